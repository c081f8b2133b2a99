/**
 * Function logs: every stderr line of every call, kept as NDJSON in {@code <data-dir>/logs/<function>.log}
 * (one rotated predecessor, {@code .log.1}, so a function holds at most its cap), written from the
 * invocation records, read back by {@code GET /system/functions/{name}/logs}, and pushed in-process
 * to the streams that follow a function.
 */
package org.faasj.controlplane.logs;
