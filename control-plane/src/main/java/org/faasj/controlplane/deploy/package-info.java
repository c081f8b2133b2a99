/**
 * Deploying functions: the REST API under {@code /system/functions}, the original platform's
 * {@code POST /upload}, descriptor validation, the compile pipeline that turns an upload into an
 * artifact under {@code <data-dir>/functions/<name>/<version>/}, and the admin token that guards it.
 * An artifact is always in place before its route row is written; the row and the in-memory route
 * change together, so a deploy is callable the moment it is answered.
 */
package org.faasj.controlplane.deploy;
