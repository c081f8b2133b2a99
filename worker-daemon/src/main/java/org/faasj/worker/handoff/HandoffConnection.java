package org.faasj.worker.handoff;

import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;

import org.faasj.model.CompletionAck;
import org.faasj.model.HandoffFrame;
import org.newsclub.net.unix.AFUNIXSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway connection: a reader loop over its frames and the ack writer for it. Frames and
 * their client descriptors are cut from the stream by {@link FrameReader}.
 */
final class HandoffConnection implements Runnable, AckSender {

    private static final Logger log = LoggerFactory.getLogger(HandoffConnection.class);
    /** Room for a few descriptors' control messages; 0 (the default) would silently drop them. */
    private static final int ANCILLARY_BUFFER_BYTES = 1024;

    private final AFUNIXSocket socket;
    private final FrameHandler handler;
    private final Object writeLock = new Object();

    HandoffConnection(AFUNIXSocket socket, FrameHandler handler) {
        this.socket = socket;
        this.handler = handler;
    }

    @Override
    public void run() {
        FrameReader reader = null;
        try (socket) {
            socket.setAncillaryReceiveBufferSize(ANCILLARY_BUFFER_BYTES);
            reader = new FrameReader(new SocketSource(socket));
            while (readAndDispatch(reader)) {
                // one frame per turn
            }
        } catch (EOFException e) {
            log.debug("gateway connection ended mid-frame");
        } catch (IOException | RuntimeException e) {
            log.warn("gateway connection dropped: {}", e.toString());
        } finally {
            if (reader != null) {
                reader.drain().forEach(HandoffConnection::closeDescriptor);
            }
        }
    }

    /** Returns false at a clean end of the connection. */
    private boolean readAndDispatch(FrameReader reader) throws IOException {
        FrameReader.Frame read = reader.next();
        if (read == null) {
            return false;
        }
        FileDescriptor client = takeClientDescriptor(read.descriptors());
        HandoffFrame frame = decode(read.payload(), client);
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

    private static HandoffFrame decode(ByteBuffer payload, FileDescriptor client) throws IOException {
        try {
            return HandoffFrame.decode(payload);
        } catch (RuntimeException e) {
            closeDescriptor(client);
            throw new IOException("corrupt frame: " + e.getMessage(), e);
        }
    }

    /** Exactly one descriptor per frame; a stray extra one is closed rather than leaked. */
    private static FileDescriptor takeClientDescriptor(List<FileDescriptor> descriptors) {
        if (descriptors.isEmpty()) {
            return null;
        }
        if (descriptors.size() > 1) {
            log.warn("{} unexpected descriptors with one frame, closing them", descriptors.size() - 1);
            descriptors.subList(1, descriptors.size()).forEach(HandoffConnection::closeDescriptor);
        }
        return descriptors.get(0);
    }

    /** Each read is one recvmsg; the descriptors junixsocket got with it are taken right after. */
    record SocketSource(AFUNIXSocket socket, InputStream in) implements FrameReader.Source {
        SocketSource(AFUNIXSocket socket) throws IOException {
            this(socket, socket.getInputStream());
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            return in.read(buf, off, len);
        }

        @Override
        public FileDescriptor[] takeDescriptors() throws IOException {
            return socket.getReceivedFileDescriptors();
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
