package org.faasj.worker.handoff;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on the worker's Unix socket. The gateway may open several connections; each gets its
 * own reader thread (there are only a handful, and each spends its life blocked in a read).
 */
public final class HandoffServer implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(HandoffServer.class);

    private final Path path;
    private final FrameHandler handler;
    private AFUNIXServerSocket server;
    private volatile boolean closed;

    public HandoffServer(Path path, FrameHandler handler) {
        this.path = path;
        this.handler = handler;
    }

    /** Binds (replacing a stale socket file from an earlier run) and starts accepting. */
    public void start() throws IOException {
        Files.deleteIfExists(path);
        server = AFUNIXServerSocket.newInstance();
        server.bind(AFUNIXSocketAddress.of(path));
        Thread acceptor = new Thread(this::acceptLoop, "handoff-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptLoop() {
        int connections = 0;
        while (!closed) {
            try {
                AFUNIXSocket socket = server.accept();
                Thread reader = new Thread(new HandoffConnection(socket, handler), "handoff-" + ++connections);
                reader.setDaemon(true);
                reader.start();
            } catch (SocketException e) {
                if (!closed) {
                    log.error("accept failed, no more gateway connections: {}", e.toString());
                }
                return;
            } catch (IOException e) {
                log.warn("accept failed: {}", e.toString());
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        if (server != null) {
            server.close();
        }
        Files.deleteIfExists(path);
    }
}
