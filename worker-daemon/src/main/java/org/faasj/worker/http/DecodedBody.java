package org.faasj.worker.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.faasj.worker.exec.BodySource;

/**
 * A chunked request body after decoding: in memory when small, else in a spool file that is
 * deleted when the call is done (a pump still reading it keeps its open file). It is complete
 * before the function starts, so it is never cut.
 */
public final class DecodedBody implements BodySource, AutoCloseable {

    private static final int COPY_BUFFER = 64 * 1024;

    private final byte[] bytes;
    private final Path file;
    private final long length;
    private final boolean connectionAtNextRequest;

    DecodedBody(byte[] bytes, Path file, long length, boolean connectionAtNextRequest) {
        this.bytes = bytes;
        this.file = file;
        this.length = length;
        this.connectionAtNextRequest = connectionAtNextRequest;
    }

    public long length() {
        return length;
    }

    @Override
    public byte[] inMemory(int maxBytes) {
        return bytes != null && bytes.length <= maxBytes ? bytes : null;
    }

    @Override
    public Runnable copyTask(OutputStream sink, Runnable onCut) {
        InputStream source;
        try {
            source = bytes != null ? new java.io.ByteArrayInputStream(bytes) : Files.newInputStream(file);
        } catch (IOException e) {
            source = InputStream.nullInputStream(); // the function sees an empty body; the file is ours, so not expected
        }
        InputStream in = source;
        return () -> copy(in, sink);
    }

    private static void copy(InputStream in, OutputStream sink) {
        byte[] buf = new byte[COPY_BUFFER];
        try (in; sink) {
            int n;
            while ((n = in.read(buf)) > 0) {
                sink.write(buf, 0, n);
            }
        } catch (IOException functionStoppedReading) {
            // it exited or closed stdin: the rest is not wanted
        }
    }

    /** True only when the last chunk ended exactly where the gateway's bytes ended (nothing of a next request lost). */
    @Override
    public boolean fullyConsumed() {
        return connectionAtNextRequest;
    }

    @Override
    public Cut cut() {
        return null;
    }

    @Override
    public void abandon() {
        // the body was read to its end before the call
    }

    @Override
    public void close() {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover in the scratch directory, cleared at the next start
            }
        }
    }
}
