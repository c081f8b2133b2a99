package org.faasj.worker.http;

import java.nio.file.Path;

/**
 * How the worker reads request bodies.
 *
 * @param idleTimeoutMillis a client silent this long mid-body is cut off
 * @param maxBytes          largest decoded chunked body (413 past it)
 * @param spoolDir          where decoded chunked bodies too large to keep on the heap are written
 */
public record BodySettings(int idleTimeoutMillis, long maxBytes, Path spoolDir) {

    /** Decoded bodies up to this size stay in memory: as much as a pipe takes at once. */
    public static final int IN_MEMORY_MAX = 64 * 1024;
}
