/**
 * Reading a function descriptor's JSON: one reader with the field rules, defaults and messages that
 * both the deploy API (strict, for uploads) and the route table (lenient, for rows that may be written
 * by hand with {@code sqlite3}) use. Each caller assembles its own result from the fields it reads.
 */
package org.faasj.controlplane.descriptor;
