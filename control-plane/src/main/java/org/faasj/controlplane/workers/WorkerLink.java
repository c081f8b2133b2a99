package org.faasj.controlplane.workers;

import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.faasj.model.CompletionAck;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Unix stream connection to a worker. Frames go out with the client's descriptor attached
 * (SCM_RIGHTS) in a single write; completion acks come back on the same connection and are read
 * by a daemon thread owned by the link.
 */
final class WorkerLink implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WorkerLink.class);
    private static final long EXIT_WAIT_MILLIS = 2_000;

    private final WorkerSlot slot;
    /** The worker process this link talks to. */
    private final Process process;
    /** Connects a new link to the same process, when this one broke but the worker lives on. */
    private final Runnable reconnect;
    private final AFUNIXSocket socket;
    private final OutputStream out;
    private volatile boolean open = true;
    /** Closed on purpose (the worker is being replaced or stopped), not broken. */
    private volatile boolean retired;

    private WorkerLink(WorkerSlot slot, Process process, Runnable reconnect, AFUNIXSocket socket) throws IOException {
        this.slot = slot;
        this.process = process;
        this.reconnect = reconnect;
        this.socket = socket;
        this.out = socket.getOutputStream();
    }

    /**
     * Connects to the worker's socket; fails at once when the worker does not listen (yet).
     *
     * @param sendTimeout longest a frame may wait for room in the socket; the gateway's event loop
     *                    sends, so a worker that stops taking frames must not hold it up for longer
     * @param reconnect   run when the link breaks (not retired) while the worker process lives on
     */
    static WorkerLink connect(WorkerSlot slot, Process process, Path socketPath, HandoffListener listener,
                              Duration sendTimeout, Runnable reconnect) throws IOException {
        // not AFUNIXSocket.connectTo: on a failed connect it leaves its socket open until GC, and
        // the supervisor retries every few ms while a worker starts
        AFUNIXSocket socket = AFUNIXSocket.newInstance();
        try {
            socket.connect(AFUNIXSocketAddress.of(socketPath));
            // junixsocket sets SO_SNDTIMEO and SO_RCVTIMEO from it; the ack reader rides out the read timeouts
            socket.setSoTimeout((int) Math.max(1, sendTimeout.toMillis()));
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        WorkerLink link = new WorkerLink(slot, process, reconnect, socket);
        Thread reader = new Thread(() -> link.readAcks(listener), "worker-" + slot.id() + "-acks");
        reader.setDaemon(true);
        reader.start();
        return link;
    }

    /**
     * Sends one frame carrying the client's descriptor. The caller keeps its own copy of the
     * descriptor. A frame the worker does not take within the send timeout fails, and since part of
     * it may be in the socket already, the link is closed.
     */
    synchronized void send(byte[] frame, FileDescriptor client) throws IOException {
        if (!open) {
            throw new IOException("link to worker " + slot.id() + " is closed");
        }
        try {
            socket.setOutboundFileDescriptors(client);
            out.write(frame);
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    boolean isOpen() {
        return open;
    }

    private void readAcks(HandoffListener listener) {
        byte[] buf = new byte[CompletionAck.BYTES];
        try (InputStream in = socket.getInputStream()) {
            while (true) {
                readFully(in, buf);
                listener.completed(slot, CompletionAck.readFrom(ByteBuffer.wrap(buf)));
            }
        } catch (EOFException e) {
            log.debug("worker {} closed its link", slot.id());
        } catch (IOException e) {
            if (open) {
                log.warn("link to worker {} broke: {}", slot.id(), e.toString());
            }
        } finally {
            close();
            listener.lost(slot, workerGone());
        }
    }

    /**
     * Whether the worker process is gone. A worker's death closes its socket a moment before the
     * process can be reaped, so wait for that a little. A worker that lives on without its link
     * (a send timed out halfway through a frame) would never get another request: it gets a new link.
     */
    private boolean workerGone() {
        try {
            if (process.waitFor(EXIT_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (!retired) {
            log.warn("link to worker {} (pid {}) broke while it runs; connecting a new one", slot.id(), process.pid());
            reconnect.run();
        }
        return false;
    }

    /** Closes the link because its worker is being replaced or stopped, not because it broke. */
    void retire() {
        retired = true;
        close();
    }

    /** Like DataInputStream.readFully, but a read timeout (the socket has one for sends) only means "no ack yet". */
    private void readFully(InputStream in, byte[] buf) throws IOException {
        int done = 0;
        while (done < buf.length) {
            int n;
            try {
                n = in.read(buf, done, buf.length - done);
            } catch (SocketTimeoutException idle) {
                if (!open) {
                    throw idle;
                }
                continue;
            }
            if (n < 0) {
                throw new EOFException();
            }
            done += n;
        }
    }

    @Override
    public void close() {
        open = false;
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("closing link to worker {}", slot.id(), e);
        }
    }
}
