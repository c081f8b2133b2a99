package org.faasj.controlplane.gateway;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's second door: a Unix-domain socket in the private run directory through which the
 * control plane runs calls it holds itself (queued async calls, see {@link LocalCalls}). Its
 * connections are served by the same event loops as TCP clients, so such a call takes the normal
 * path (triage, concurrency limits, hand-off, sandbox, records). What differs: no per-address or
 * total connection cap (the control plane bounds its own calls), and {@code X-Faas-Attempt} is
 * believed only here. Only the platform's user can reach it: the run directory is 0700, the socket
 * 0600, and function sandboxes do not mount the run directory at all.
 */
final class InternalEntry {

    private static final Logger log = LoggerFactory.getLogger(InternalEntry.class);
    private static final long ACCEPT_BACKOFF_MILLIS = 50;

    private final Path path;
    private final ServerSocketChannel server;
    private volatile boolean running = true;

    private InternalEntry(Path path, ServerSocketChannel server) {
        this.path = path;
        this.server = server;
    }

    /** Binds the socket at {@code path}, replacing one a killed control plane left behind. */
    static InternalEntry open(Path path) throws IOException {
        Files.deleteIfExists(path);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path), 256);
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return new InternalEntry(path, server);
    }

    Path path() {
        return path;
    }

    /** The accept loop; returns once {@link #close} was called. @param loops a live loop, or null when none is */
    void accept(Supplier<EventLoop> loops) {
        while (running) {
            SocketChannel channel = null;
            try {
                channel = server.accept();
                EventLoop loop = loops.get();
                if (loop == null) {
                    channel.close();
                    continue;
                }
                channel.configureBlocking(false);
                loop.adoptInternal(channel);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException e) {
                log.warn("accept on the internal entry failed: {}", e.toString());
                closeQuietly(channel);
                sleep();
            }
        }
    }

    /** Stops accepting and removes the socket file; connections already accepted are served on. */
    void close() {
        running = false;
        try {
            server.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.debug("closing the internal entry", e);
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            ConnectionCloser.closeQuietly(channel);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(ACCEPT_BACKOFF_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
