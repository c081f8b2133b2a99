package org.faasj.controlplane.system;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Unix datagram socket the workers report to (load reports, invocation records), read by one
 * daemon thread that hands each datagram to a handler. The handler gets a view of a reused buffer,
 * valid only during the call; a datagram that fills the buffer is passed on as it is, so the
 * handler can tell it was too long by its size.
 */
public final class DatagramInbox {

    private static final Logger log = LoggerFactory.getLogger(DatagramInbox.class);

    private final Path path;
    private final int bufferBytes;
    private final String threadName;
    private final Consumer<ByteBuffer> handler;
    private volatile AFUNIXDatagramSocket socket;

    public DatagramInbox(Path path, int bufferBytes, String threadName, Consumer<ByteBuffer> handler) {
        this.path = path;
        this.bufferBytes = bufferBytes;
        this.threadName = threadName;
        this.handler = handler;
    }

    /** Binds the socket (replacing a stale file of an earlier run) and starts reading. */
    public void start() {
        try {
            Files.deleteIfExists(path);
            socket = AFUNIXDatagramSocket.newInstance();
            socket.bind(AFUNIXSocketAddress.of(path));
        } catch (IOException e) {
            throw new IllegalStateException("cannot bind datagram socket " + path, e);
        }
        Thread t = new Thread(this::receive, threadName);
        t.setDaemon(true);
        t.start();
    }

    private void receive() {
        byte[] buf = new byte[bufferBytes];
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        while (socket != null && !socket.isClosed()) {
            try {
                packet.setLength(buf.length);
                socket.receive(packet);
                handler.accept(ByteBuffer.wrap(buf, 0, packet.getLength()));
            } catch (SocketException e) {
                return;
            } catch (IOException e) {
                log.debug("receive on {} failed", path, e);
            }
        }
    }

    public void stop() {
        AFUNIXDatagramSocket s = socket;
        socket = null;
        if (s != null) {
            s.close();
        }
    }

    public boolean isRunning() {
        return socket != null;
    }
}
