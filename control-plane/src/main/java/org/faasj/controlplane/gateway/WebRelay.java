package org.faasj.controlplane.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.faasj.model.HttpHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries requests for the platform itself (console, REST API, actuator) to Spring's web server on
 * loopback and its answers back, byte for byte. The forwarded request says {@code Connection: close},
 * so one relay serves one request and then closes the client connection; this traffic is light and
 * keeping it apart from the function path keeps that path simple. Blocking I/O on a bounded pool,
 * two threads per relay (one per direction).
 */
final class WebRelay {

    private static final Logger log = LoggerFactory.getLogger(WebRelay.class);
    private static final int MAX_THREADS = 64;

    private final LocalWebServer web;
    private final ThreadPoolExecutor pool;

    WebRelay(LocalWebServer web) {
        this.web = web;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(0, MAX_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "web-relay-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts relaying; the relay owns the (blocking) client channel from now on.
     *
     * @param alreadyRead bytes the gateway read after the head (the start of the body)
     * @return false when the web server is not up or the relay is at capacity; the caller still owns the channel
     */
    boolean start(SocketChannel client, RequestHead head, byte[] alreadyRead) {
        int port = web.port();
        if (port < 0 || pool.getActiveCount() + 2 > MAX_THREADS) {
            return false;
        }
        try {
            pool.execute(() -> relay(client, head, alreadyRead, port));
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private void relay(SocketChannel client, RequestHead head, byte[] alreadyRead, int port) {
        try (Socket upstream = new Socket()) {
            upstream.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            OutputStream toUpstream = upstream.getOutputStream();
            toUpstream.write(forwardedHead(head, clientAddress(client)));
            toUpstream.write(alreadyRead);
            toUpstream.flush();
            pool.execute(() -> pump(Channels.newInputStream(client), toUpstream));
            copyToClient(upstream.getInputStream(), client);
        } catch (IOException | RejectedExecutionException e) {
            log.debug("relay to the web server failed: {}", e.toString());
        } finally {
            closeQuietly(client);
        }
    }

    /** The client's request body (if any) on its way up; ends when either side closes. */
    private static void pump(InputStream from, OutputStream to) {
        byte[] buf = new byte[16 * 1024];
        try {
            int n;
            while ((n = from.read(buf)) >= 0) {
                to.write(buf, 0, n);
            }
        } catch (IOException e) {
            log.trace("relay upload ended: {}", e.toString());
        }
    }

    private static void copyToClient(InputStream from, SocketChannel client) throws IOException {
        byte[] buf = new byte[16 * 1024];
        int n;
        while ((n = from.read(buf)) >= 0) {
            ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
            while (b.hasRemaining()) {
                client.write(b);
            }
        }
    }

    /** The head as Spring should see it: hop-by-hop connection headers replaced, client address added. */
    static byte[] forwardedHead(RequestHead head, String clientAddress) {
        StringBuilder sb = new StringBuilder(512);
        sb.append(head.method()).append(' ').append(head.path());
        if (!head.query().isEmpty()) {
            sb.append('?').append(head.query());
        }
        sb.append(" HTTP/1.1\r\n");
        for (HttpHeader h : head.headers()) {
            String name = h.name();
            if (name.equalsIgnoreCase("Connection") || name.equalsIgnoreCase("Keep-Alive")
                    || name.equalsIgnoreCase("Proxy-Connection") || name.equalsIgnoreCase("X-Forwarded-For")) {
                continue;
            }
            sb.append(name).append(": ").append(h.value()).append("\r\n");
        }
        sb.append("X-Forwarded-For: ").append(clientAddress).append("\r\n");
        sb.append("Connection: close\r\n\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String clientAddress(SocketChannel client) {
        try {
            SocketAddress remote = client.getRemoteAddress();
            return remote instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : "unknown";
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void closeQuietly(SocketChannel client) {
        try {
            client.close();
        } catch (IOException e) {
            log.trace("close", e);
        }
    }

    void shutdown() {
        pool.shutdownNow();
    }
}
