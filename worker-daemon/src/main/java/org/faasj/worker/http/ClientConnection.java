package org.faasj.worker.http;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker's duplicate of a client's TCP descriptor, received from the gateway.
 *
 * <p>It is used through plain file streams, never through a socket object: closing a socket would
 * shut the connection down for the gateway too, while closing a file stream only drops this
 * process's descriptor. Several parties can hold the connection (the request thread and a body
 * pump still reading); the descriptor is closed exactly once, when the last one releases it, so a
 * reader is never left on a descriptor number the kernel has already given to someone else.
 */
public final class ClientConnection {

    private final FileInputStream in;
    private final FileOutputStream out;
    private final AtomicInteger holders = new AtomicInteger(1);

    private ClientConnection(FileDescriptor fd) {
        this.in = new FileInputStream(fd);
        this.out = new FileOutputStream(fd);
    }

    /** Takes ownership of a received descriptor; the caller holds the first reference. */
    public static ClientConnection adopt(FileDescriptor fd) {
        return new ClientConnection(fd);
    }

    public InputStream input() {
        return in;
    }

    public OutputStream output() {
        return out;
    }

    public void retain() {
        holders.incrementAndGet();
    }

    /** Drops one reference; the last one closes the descriptor (both streams share it). */
    public void release() {
        if (holders.decrementAndGet() == 0) {
            try {
                out.close();
            } catch (IOException ignored) {
                // the descriptor is gone either way; nothing to recover
            }
        }
    }
}
