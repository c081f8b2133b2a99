package org.faasj.worker.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;

import org.faasj.worker.exec.BodySource;

/**
 * A request body: the bytes the gateway already read, then exactly the rest from the client
 * socket. Reading stops at the body's end because the gateway may have the client's next
 * pipelined request waiting behind it on the same connection.
 */
public final class RequestBody implements BodySource {

    private static final int CHUNK = 64 * 1024;

    private final byte[] prefix;
    private final ClientConnection client;
    private final AtomicLong unread;

    public RequestBody(byte[] prefix, long contentLength, ClientConnection client) {
        this.prefix = prefix;
        this.client = client;
        this.unread = new AtomicLong(Math.max(0, contentLength - prefix.length));
    }

    @Override
    public byte[] inMemory(int maxBytes) {
        return unread.get() == 0 && prefix.length <= maxBytes ? prefix : null;
    }

    @Override
    public boolean fullyConsumed() {
        return unread.get() == 0;
    }

    /**
     * The connection is retained from now until the task ends, so it may outlive the request
     * thread (a function that timed out while the client was still sending).
     */
    @Override
    public Runnable copyTask(OutputStream sink) {
        client.retain();
        return () -> copyAndRelease(sink);
    }

    private void copyAndRelease(OutputStream sink) {
        try {
            OutputStream target = writeOrDrop(sink, prefix, 0, prefix.length);
            streamRest(target);
        } finally {
            closeQuietly(sink);
            client.release();
        }
    }

    private void streamRest(OutputStream target) {
        InputStream in = client.input();
        byte[] buf = new byte[(int) Math.min(CHUNK, Math.max(1, unread.get()))];
        try {
            while (unread.get() > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, unread.get()));
                if (n < 0) {
                    return; // client went away mid-body: unread stays above zero
                }
                unread.addAndGet(-n);
                target = writeOrDrop(target, buf, 0, n);
            }
        } catch (IOException e) {
            // the client connection failed; unread stays above zero, so the answer closes it
        }
    }

    /** Writes to the function, or switches to dropping once it stopped reading (it exited). */
    private static OutputStream writeOrDrop(OutputStream target, byte[] b, int off, int len) {
        try {
            target.write(b, off, len);
            return target;
        } catch (IOException functionStoppedReading) {
            return OutputStream.nullOutputStream();
        }
    }

    private static void closeQuietly(OutputStream sink) {
        try {
            sink.close();
        } catch (IOException ignored) {
            // the function already closed its stdin; nothing was lost that it wanted
        }
    }
}
