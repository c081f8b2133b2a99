package org.faasj.worker.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;

import org.faasj.worker.exec.BodySource;

/**
 * A request body: the bytes the gateway already read, then exactly the rest from the client
 * socket. Reading stops at the body's end because the gateway may have the client's next
 * pipelined request waiting behind it on the same connection. Every read from the socket has a
 * deadline ({@code idleTimeoutMillis} without a byte), so a client that announces a body and never
 * sends it cannot hold a pump thread.
 */
public final class RequestBody implements BodySource {

    private static final int CHUNK = 64 * 1024;

    private final byte[] prefix;
    private final ClientConnection client;
    private final int idleTimeoutMillis;
    private final AtomicLong unread;
    private volatile Cut cut;
    private volatile boolean abandoned;

    public RequestBody(byte[] prefix, long contentLength, ClientConnection client, int idleTimeoutMillis) {
        this.prefix = prefix;
        this.client = client;
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.unread = new AtomicLong(Math.max(0, contentLength - prefix.length));
    }

    @Override
    public byte[] inMemory(int maxBytes) {
        return unread.get() == 0 && prefix.length <= maxBytes ? prefix : null;
    }

    /**
     * Also false once the body was abandoned: its input is shut down then, for the gateway too, so
     * the connection can serve no further request even if a late pump still read the bytes that
     * were queued in the socket (answering keep-alive would have the gateway close it under the
     * client's next request).
     */
    @Override
    public boolean fullyConsumed() {
        return unread.get() == 0 && !abandoned;
    }

    @Override
    public Cut cut() {
        return cut;
    }

    @Override
    public void abandon() {
        if (!fullyConsumed()) {
            abandoned = true;
            client.shutdownInput();
        }
    }

    /**
     * The connection is retained from now until the task ends, so it may outlive the request
     * thread (a function that timed out while the client was still sending).
     */
    @Override
    public Runnable copyTask(OutputStream sink, Runnable onCut) {
        client.retain();
        return () -> copyAndRelease(sink, onCut);
    }

    private void copyAndRelease(OutputStream sink, Runnable onCut) {
        try {
            OutputStream target = writeOrDrop(sink, prefix, 0, prefix.length);
            Cut stoppedShort = streamRest(target);
            if (stoppedShort != null && !abandoned) {
                cut = stoppedShort;
                onCut.run();
            }
        } finally {
            closeQuietly(sink);
            client.release();
        }
    }

    /** Returns why the body stopped short, or null when it all arrived. */
    private Cut streamRest(OutputStream target) {
        if (unread.get() == 0) {
            return null;
        }
        InputStream in = client.input();
        byte[] buf = new byte[(int) Math.min(CHUNK, unread.get())];
        long readStart = System.nanoTime();
        client.tryReadTimeout(idleTimeoutMillis);
        try {
            while (unread.get() > 0) {
                readStart = System.nanoTime();
                int n = in.read(buf, 0, (int) Math.min(buf.length, unread.get()));
                if (n < 0) {
                    return Cut.ENDED;
                }
                unread.addAndGet(-n);
                target = writeOrDrop(target, buf, 0, n);
            }
            return null;
        } catch (IOException e) {
            // SO_RCVTIMEO surfaces as EAGAIN, which a file stream reports as a plain IOException
            long idleMillis = (System.nanoTime() - readStart) / 1_000_000;
            return idleMillis >= idleTimeoutMillis - 50 ? Cut.TIMED_OUT : Cut.ENDED;
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
