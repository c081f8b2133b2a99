package org.faasj.controlplane.gateway;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.faasj.controlplane.system.RunDirectory;
import org.faasj.model.CallId;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import jakarta.annotation.PreDestroy;

/**
 * {@link LocalCalls} over the gateway's {@link InternalEntry}: an HTTP/1.1 exchange on a fresh
 * Unix-domain connection per call ({@code Connection: close}), so a call costs no pool and a broken
 * one leaves nothing behind. The request goes out with its stored headers minus the hop-by-hop ones,
 * its {@code Content-Length}, {@code X-Call-Id} and {@code X-Faas-Attempt}; the answer is read by
 * {@link LocalAnswerReader}. The timeout bounds the whole exchange: at the deadline a timer closes
 * the channel, which ends a blocked read or write at once, so a call never hangs.
 */
@Component
class UnixLocalCalls implements LocalCalls {

    /** Framing and connection headers: this exchange sets its own. */
    private static final Set<String> DROPPED = Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding",
            "content-length", "expect", "upgrade", "te", "trailer", "x-call-id", "x-faas-attempt");

    private final Path socket;
    private final ScheduledThreadPoolExecutor deadlines;

    @Autowired
    UnixLocalCalls(RunDirectory runDirectory) {
        this(runDirectory.gatewaySocket());
    }

    UnixLocalCalls(Path socket) {
        this.socket = socket;
        this.deadlines = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "local-call-deadlines");
            t.setDaemon(true);
            return t;
        });
        deadlines.setRemoveOnCancelPolicy(true);
    }

    @Override
    public LocalAnswer call(LocalRequest request, int attempt, long maxBodyBytes, Duration timeout) throws IOException {
        byte[] head = head(request, attempt);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IOException("no time left for the call " + request.callId());
        }
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> deadline = deadlines.schedule(() -> {
            expired.set(true);
            ConnectionCloser.closeQuietly(channel);
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            writeFully(channel, ByteBuffer.wrap(head));
            writeFully(channel, ByteBuffer.wrap(request.body()));
            InputStream in = new BufferedInputStream(Channels.newInputStream(channel), 8 * 1024);
            return new LocalAnswerReader(in, maxBodyBytes).read(request.method().equals("HEAD"));
        } catch (IOException e) {
            if (expired.get()) {
                throw new IOException("call " + request.callId() + " got no complete answer within " + timeout, e);
            }
            throw e;
        } finally {
            deadline.cancel(false);
            ConnectionCloser.closeQuietly(channel);
        }
    }

    /** The request head; a value that could split the head or the request line is refused. */
    static byte[] head(LocalRequest request, int attempt) {
        if (!CallId.isWellFormed(request.callId())) {
            // the gateway would replace it, and the call's attempts would no longer share one id
            throw new IllegalArgumentException("malformed call id '" + request.callId() + "'");
        }
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be at least 1, was " + attempt);
        }
        StringBuilder sb = new StringBuilder(256);
        sb.append(token(request.method(), "method")).append(' ').append(target(request.path(), request.query()))
                .append(" HTTP/1.1\r\n");
        boolean host = false;
        for (Map.Entry<String, String> h : request.headers()) {
            String name = token(h.getKey(), "header name");
            if (DROPPED.contains(name.toLowerCase(Locale.ROOT))) {
                continue;
            }
            host |= name.equalsIgnoreCase("Host");
            sb.append(name).append(": ").append(fieldValue(h.getValue(), name)).append("\r\n");
        }
        if (!host) {
            sb.append("Host: localhost\r\n");
        }
        sb.append(CallId.HEADER).append(": ").append(request.callId()).append("\r\n");
        sb.append(HandOffs.ATTEMPT_HEADER).append(": ").append(attempt).append("\r\n");
        sb.append("Content-Length: ").append(request.body().length).append("\r\n");
        sb.append("Connection: close\r\n\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String target(String path, String query) {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("the path must start with '/': " + path);
        }
        String target = query == null || query.isEmpty() ? path : path + "?" + query;
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw new IllegalArgumentException("the request target holds a space, control or non-ASCII character");
            }
        }
        return target;
    }

    private static String token(String s, String what) {
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException("empty " + what);
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                throw new IllegalArgumentException("malformed " + what + " '" + s + "'");
            }
        }
        return s;
    }

    private static String fieldValue(String value, String name) {
        String v = value == null ? "" : value;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                throw new IllegalArgumentException("the value of header " + name + " holds a control character");
            }
        }
        return v;
    }

    private static void writeFully(SocketChannel channel, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    @PreDestroy
    void shutdown() {
        deadlines.shutdownNow();
    }
}
