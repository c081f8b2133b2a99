/**
 * Which function answers which {@code METHOD:/path}: the SQLite table {@code functions(k, v, updated)},
 * its in-memory mirror that the gateway reads on every request, and the sync that keeps the two equal
 * when anyone (the deploy API, the {@code sqlite3} CLI) changes the table.
 */
package org.faasj.controlplane.routing;
