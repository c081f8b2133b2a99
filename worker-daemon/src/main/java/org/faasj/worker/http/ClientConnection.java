package org.faasj.worker.http;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ref.Reference;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

import org.newsclub.net.unix.AFSocket;
import org.newsclub.net.unix.FileDescriptorCast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's duplicate of a client's TCP descriptor, received from the gateway.
 *
 * <p>It is used through plain file streams, never through a socket object: closing a socket would
 * shut the connection down for the gateway too, while closing a file stream only drops this
 * process's descriptor. Several parties can hold the connection (the request thread and a body
 * pump still reading); the descriptor is closed exactly once, when the last one releases it, so a
 * reader is never left on a descriptor number the kernel has already given to someone else.
 *
 * <p>Socket options and shutdown need a socket object: for those a control socket is made on the
 * same descriptor (only when needed). It is never closed itself: junixsocket's close resets the
 * connection, also for the gateway; the descriptor is closed through the file streams as always,
 * and the control socket is dropped after it (see {@link #release()}).
 */
public final class ClientConnection {

    private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);

    private final FileDescriptor fd;
    private final FileInputStream in;
    private final FileOutputStream out;
    private final AtomicInteger holders = new AtomicInteger(1);
    private Socket control;
    private boolean closed;

    private ClientConnection(FileDescriptor fd) {
        this.fd = fd;
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

    /**
     * A blocking read that waits longer than this fails (SO_RCVTIMEO; 0 waits forever). The option
     * belongs to the socket, not to this descriptor, but the gateway only reads it non-blocking.
     */
    public void readTimeout(int millis) throws IOException {
        control().setSoTimeout(millis);
    }

    /**
     * {@link #readTimeout}, or nothing when the option cannot be set (then the gateway's own deadline
     * for the call, which shuts the socket down, is what ends a stalled read).
     */
    public void tryReadTimeout(int millis) {
        try {
            readTimeout(millis);
        } catch (IOException | RuntimeException e) {
            log.debug("no read timeout on a client socket: {}", e.toString());
        }
    }

    /**
     * Shuts the connection down both ways for everyone holding it: a blocked read or write fails at
     * once. For a client that has to go (it stalled a write past its deadline).
     */
    public void abort() {
        try {
            Socket socket = control();
            socket.shutdownInput();
            socket.shutdownOutput();
        } catch (IOException e) {
            // the connection is already gone, which is what we wanted
        }
    }

    /**
     * Ends the client's input for everyone holding the socket: a reader blocked on it (a body pump)
     * sees end of stream at once. Only for a connection that is closing anyway.
     */
    public void shutdownInput() {
        try {
            control().shutdownInput();
        } catch (IOException e) {
            // the connection is already gone, which is what we wanted
        }
    }

    private synchronized Socket control() throws IOException {
        if (closed) {
            throw new IOException("connection released");
        }
        if (control == null) {
            Socket socket = FileDescriptorCast.using(fd).as(Socket.class);
            if (socket instanceof AFSocket<?> af) {
                af.setShutdownOnClose(false);
            }
            control = socket;
        }
        return control;
    }

    /**
     * Drops one reference; the last one closes the descriptor (both streams share it). The control
     * socket stays reachable until the descriptor is closed: junixsocket's socket objects shut their
     * connection down when they are finalized while their descriptor is still open. Dropped first,
     * a collection before the close let the Finalizer thread cut the connection for the gateway and
     * the client's next keep-alive request (seen 11 times in 339,000 1 MiB keep-alive calls; none in
     * 336,000 with this order).
     */
    public void release() {
        if (holders.decrementAndGet() == 0) {
            Socket last = closeControl();
            try {
                out.close();
            } catch (IOException ignored) {
                // the descriptor is gone either way; nothing to recover
            }
            Reference.reachabilityFence(last);
        }
    }

    /** No control socket is made from now on; returns the one there was, if any. */
    private synchronized Socket closeControl() {
        closed = true;
        Socket last = control;
        control = null;
        return last;
    }
}
