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
 */
final class HandoffConnection implements Runnable, AckSender {

    private static final Logger log = LoggerFactory.getLogger(HandoffConnection.class);
    /** Room for a few descriptors' control messages; 0 (the default) would silently drop them. */
    private static final int ANCILLARY_BUFFER_BYTES = 1024;

    private final AFUNIXSocket socket;
    private final FrameHandler handler;
    private final Object writeLock = new Object();
    private final List<FileDescriptor> received = new ArrayList<>(2);

    HandoffConnection(AFUNIXSocket socket, FrameHandler handler) {
        this.socket = socket;
        this.handler = handler;
    }

    @Override
    public void run() {
        try (socket) {
            socket.setAncillaryReceiveBufferSize(ANCILLARY_BUFFER_BYTES);
            InputStream in = socket.getInputStream();
            while (readAndDispatch(in)) {
                // one frame per turn
            }
        } catch (EOFException e) {
            log.debug("gateway connection ended mid-frame");
        } catch (IOException | RuntimeException e) {
            log.warn("gateway connection dropped: {}", e.toString());
        } finally {
            dropReceived();
        }
    }

    /** Returns false at a clean end of the connection. */
    private boolean readAndDispatch(InputStream in) throws IOException {
        byte[] lengthBytes = new byte[4];
        if (!readFully(in, lengthBytes, true)) {
            return false;
        }
        int length = ByteBuffer.wrap(lengthBytes).getInt();
        if (length <= 0 || length > HandoffFrame.MAX_FRAME_BYTES) {
            dropReceived();
            throw new IOException("frame length " + length + " outside 1.." + HandoffFrame.MAX_FRAME_BYTES);
        }
        byte[] payload = new byte[length];
        readFully(in, payload, false);
        FileDescriptor client = takeClientDescriptor();
        HandoffFrame frame = decode(payload, client);
        dispatch(frame, client);
        return true;
    }

    /**
     * A handler that throws (an Error such as OutOfMemoryError included) costs this one request,
     * answered by a close, never the reader of every later frame on this connection.
     */
    private void dispatch(HandoffFrame frame, FileDescriptor client) {
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
