package org.faasj.worker.handoff;

import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.faasj.model.CompletionAck;
import org.faasj.model.HandoffFrame;
import org.newsclub.net.unix.AFUNIXSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway connection: a reader loop over its frames and the ack writer for it.
 *
 * <p>Reads go straight to the socket, exactly the frame's bytes, never through a buffer: the
 * client descriptor arrives as ancillary data with the frame's first byte, and reading ahead
 * would attach the next frame's descriptor to this one.
 *
 * <p>One thread reads at a time. The handler may keep it for a while (a short call run right on it);
 * a reader busy with one frame for too long is replaced by a new thread ({@link ReaderWatch}), and
 * the replaced one ends once its frame is handled. Which of the two reads on is settled by one
 * compare-and-set on {@link #busy}: the reader clears it when done, the watch when it replaces.
 */
final class HandoffConnection implements AckSender {

    private static final Logger log = LoggerFactory.getLogger(HandoffConnection.class);
    /** Room for a few descriptors' control messages; 0 (the default) would silently drop them. */
    private static final int ANCILLARY_BUFFER_BYTES = 1024;

    private final AFUNIXSocket socket;
    private final FrameHandler handler;
    private final ReaderWatch watch;
    private final String name;
    private final Object writeLock = new Object();
    /** Only the current reader touches it; a new reader starts after the old one took its frame. */
    private final List<FileDescriptor> received = new ArrayList<>(2);
    /** The reader while it handles a frame, else null. */
    private final AtomicReference<Thread> busy = new AtomicReference<>();
    /** When the latest frame's handling began (written before {@link #busy}). */
    private volatile long busySince = System.nanoTime();
    private final AtomicInteger readers = new AtomicInteger();

    HandoffConnection(AFUNIXSocket socket, FrameHandler handler, ReaderWatch watch, String name) {
        this.socket = socket;
        this.handler = handler;
        this.watch = watch;
        this.name = name;
    }

    /** Starts the first reader. */
    void start() throws IOException {
        socket.setAncillaryReceiveBufferSize(ANCILLARY_BUFFER_BYTES);
        watch.add(this);
        startReader();
    }

    private void startReader() {
        newReader().start();
    }

    private Thread newReader() {
        int n = readers.incrementAndGet();
        Thread reader = new Thread(this::readLoop, n == 1 ? name : name + "-r" + n);
        reader.setDaemon(true);
        return reader;
    }

    private void readLoop() {
        try {
            InputStream in = socket.getInputStream();
            while (true) {
                FrameAndClient next = read(in);
                if (next == null) {
                    break;
                }
                if (!dispatch(next.frame(), next.client())) {
                    return; // replaced while handling: the new reader owns the connection now
                }
            }
        } catch (EOFException e) {
            log.debug("gateway connection ended mid-frame");
        } catch (IOException | RuntimeException e) {
            log.warn("gateway connection dropped: {}", e.toString());
        }
        end();
    }

    /** By the reader that saw the connection end: nobody reads it any more. */
    private void end() {
        watch.remove(this);
        dropReceived();
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("closing a gateway connection: {}", e.toString());
        }
    }

    /**
     * The watch's turn: if the reader has been handling one frame since more than {@code stuckNanos}
     * before {@code now}, a new reader takes over the connection. False if nothing was done.
     */
    boolean replaceReaderIfStuck(long now, long stuckNanos) {
        Thread reader = busy.get();
        if (reader == null || now - busySince < stuckNanos) {
            return false;
        }
        Thread next = newReader();
        if (!busy.compareAndSet(reader, null)) {
            return false; // its frame was done meanwhile
        }
        try {
            next.start();
        } catch (RuntimeException | OutOfMemoryError e) {
            // nobody reads now (the busy reader stops after its frame): the gateway replaces a link that breaks
            log.error("no thread for another reader of {}, dropping the connection: {}", name, e.toString());
            end();
            return false;
        }
        log.debug("{}: reader busy for {} ms with one frame, another reads on", name, (now - busySince) / 1_000_000);
        return true;
    }

    boolean readerBusy() {
        return busy.get() != null;
    }

    long lastFrameNanos() {
        return busySince;
    }

    private record FrameAndClient(HandoffFrame frame, FileDescriptor client) {
    }

    /** The next frame with its client descriptor; null at a clean end of the connection. */
    private FrameAndClient read(InputStream in) throws IOException {
        byte[] lengthBytes = new byte[4];
        if (!readFully(in, lengthBytes, true)) {
            return null;
        }
        int length = ByteBuffer.wrap(lengthBytes).getInt();
        if (length <= 0 || length > HandoffFrame.MAX_FRAME_BYTES) {
            dropReceived();
            throw new IOException("frame length " + length + " outside 1.." + HandoffFrame.MAX_FRAME_BYTES);
        }
        byte[] payload = new byte[length];
        readFully(in, payload, false);
        FileDescriptor client = takeClientDescriptor();
        return new FrameAndClient(decode(payload, client), client);
    }

    /**
     * A handler that throws (an Error such as OutOfMemoryError included) costs this one request,
     * answered by a close, never the reader of every later frame on this connection. Returns true if
     * this thread still is the reader afterwards.
     */
    private boolean dispatch(HandoffFrame frame, FileDescriptor client) {
        Thread me = Thread.currentThread();
        busySince = System.nanoTime();
        busy.set(me);
        watch.readerBusy();
        try {
            handler.handle(frame, client, this);
        } catch (Throwable t) {
            send(new CompletionAck(frame.requestId(), 0, false));
            try {
                log.error("frame {} could not be dispatched", frame.requestId(), t);
            } catch (Throwable logFailed) {
                // out of memory even for the log line; the gateway has its ack
            }
        }
        // a call run here clears its own deadline's interrupt; a stray one must not fail the next socket read
        Thread.interrupted();
        return busy.compareAndSet(me, null);
    }

    private static HandoffFrame decode(byte[] payload, FileDescriptor client) throws IOException {
        try {
            return HandoffFrame.decode(ByteBuffer.wrap(payload));
        } catch (RuntimeException e) {
            closeDescriptor(client);
            throw new IOException("corrupt frame: " + e.getMessage(), e);
        }
    }

    /** Exactly one descriptor per frame; a stray extra one is closed rather than leaked. */
    private FileDescriptor takeClientDescriptor() {
        if (received.isEmpty()) {
            return null;
        }
        FileDescriptor client = received.remove(0);
        if (!received.isEmpty()) {
            log.warn("{} unexpected descriptors with one frame, closing them", received.size());
            dropReceived();
        }
        return client;
    }

    private boolean readFully(InputStream in, byte[] buf, boolean endAllowed) throws IOException {
        int done = 0;
        while (done < buf.length) {
            int n = in.read(buf, done, buf.length - done);
            collectDescriptors();
            if (n < 0) {
                if (done == 0 && endAllowed) {
                    return false;
                }
                dropReceived();
                throw new EOFException();
            }
            done += n;
        }
        return true;
    }

    private void collectDescriptors() throws IOException {
        FileDescriptor[] fds = socket.getReceivedFileDescriptors();
        if (fds != null) {
            received.addAll(List.of(fds));
        }
    }

    @Override
    public void send(CompletionAck ack) {
        byte[] bytes = ack.encode();
        synchronized (writeLock) {
            try {
                OutputStream out = socket.getOutputStream();
                out.write(bytes);
            } catch (IOException e) {
                log.debug("ack {} not delivered: {}", ack.requestId(), e.toString());
            }
        }
    }

    private void dropReceived() {
        received.forEach(HandoffConnection::closeDescriptor);
        received.clear();
    }

    /** Closing a stream on it closes the descriptor once and tells junixsocket it is gone. */
    private static void closeDescriptor(FileDescriptor fd) {
        if (fd == null) {
            return;
        }
        try {
            new FileInputStream(fd).close();
        } catch (IOException ignored) {
            // nothing to recover from a failed close of a descriptor we are dropping
        }
    }
}
