package org.faasj.worker.handoff;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ScheduledExecutorService;

import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on the worker's Unix socket. The gateway may open several connections; each gets its
 * own reader thread (there are only a handful, and each spends most of its life blocked in a read),
 * replaced by a new one when a frame keeps it busy too long ({@link ReaderWatch}).
 */
public final class HandoffServer implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(HandoffServer.class);

    private final Path path;
    private final FrameHandler handler;
    private final ReaderWatch watch;
    private AFUNIXServerSocket server;
    private volatile boolean closed;

    /** {@code timer} runs the {@link ReaderWatch} that replaces readers kept busy too long. */
    public HandoffServer(Path path, FrameHandler handler, ScheduledExecutorService timer) {
        this.path = path;
        this.handler = handler;
        this.watch = new ReaderWatch(timer);
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
                try {
                    new HandoffConnection(socket, handler, watch, "handoff-" + ++connections).start();
                } catch (IOException e) {
                    log.warn("gateway connection not taken: {}", e.toString());
                    socket.close(); // no reader took it: the gateway sees it close and connects again
                }
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
