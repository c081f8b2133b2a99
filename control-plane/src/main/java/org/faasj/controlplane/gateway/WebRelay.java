package org.faasj.controlplane.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.faasj.controlplane.security.AdminGuard;
import org.faasj.controlplane.security.Refusal;
import org.faasj.controlplane.security.SecurityHeaders;
import org.faasj.controlplane.system.FaasProperties;
import org.faasj.model.HttpHeader;

/**
 * Carries requests for the platform itself (console, REST API, actuator) to Spring's web server on
 * loopback and its answers back, byte for byte. The forwarded request says {@code Connection: close},
 * so one relay serves one request and then closes the client connection; this traffic is light and
 * keeping it apart from the function path keeps that path simple. Blocking I/O, one thread per
 * relay plus one for a request body.
 *
 * <p>Before anything is relayed, the request's head alone decides: the {@link AdminGuard} (host,
 * origin, admin token for writes, so an upload without the token is refused before its body is
 * read), then {@link RelayAdmission} (per-client cap, a place, health checks kept apart). Refusals
 * are answered by {@link RelayRefusals}; admitted relays are bounded in time by {@link RelayDeadlines}.
 */
final class WebRelay {

    /**
     * The function an {@code /async-function/...} request calls, as the gateway's route lookup found
     * it. Set only by the gateway; Spring's loopback port is reachable by functions too, so a
     * controller treats it as a hint to check against the route table, not as proof.
     */
    static final String FUNCTION_HEADER = "X-Faas-Function";

    /** Places taken between a relay's end and its threads being idle again. */
    private static final int THREAD_SLACK = 8;

    private final LocalWebServer web;
    private final AdminGuard guard;
    private final RelayAdmission admission;
    private final RelayRefusals refusals;
    private final RelayDeadlines deadlines;
    private final ThreadPoolExecutor pool;
    private final RelayedRequest.Shared shared;

    WebRelay(LocalWebServer web, FaasProperties.Relay limits, AdminGuard guard) {
        this.web = web;
        this.guard = guard;
        this.admission = new RelayAdmission(limits);
        try {
            this.refusals = new RelayRefusals();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the relay's selector", e);
        }
        Thread refusalThread = new Thread(refusals, "web-relay-refusals");
        refusalThread.setDaemon(true);
        refusalThread.start();
        this.deadlines = new RelayDeadlines(System::nanoTime);
        // every relay takes one thread, an upload or an enqueue with a body a second one for its body
        int maxThreads = limits.healthRelays() + limits.maxRelays() + limits.maxUploads() + 2 * limits.maxAsyncEnqueues()
                + THREAD_SLACK;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(0, maxThreads, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "web-relay-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.shared = new RelayedRequest.Shared(pool, refusals, deadlines, System::nanoTime,
                limits.idleTimeout().toNanos(), limits.totalTimeout().toNanos());
    }

    /**
     * Takes the (blocking) client channel over: relays the request or answers a refusal.
     *
     * @param alreadyRead   bytes the gateway read after the head (the start of the body)
     * @param asyncFunction for an async enqueue ({@link Verdict.Enqueue}), the function's name, sent
     *                      as {@value #FUNCTION_HEADER}; null for a platform path. An enqueue is a
     *                      function call: no admin guard, its own admission bucket.
     * @return always true: the relay owns the channel from now on, refusals included
     */
    boolean start(SocketChannel client, RequestHead head, byte[] alreadyRead, String asyncFunction) {
        if (asyncFunction == null) {
            Refusal refusal = guard.check(head.method(), head.path(), head.header("Host"), head.header("Origin"),
                    head.header("Authorization"));
            if (refusal != null) {
                refuse(client, refusal.status(), refusal.detail(), refusal.header());
                return true;
            }
        }
        int port = web.port();
        if (port < 0) {
            refuse(client, 503, "the console and API are not available right now", "Retry-After: 1");
            return true;
        }
        InetAddress address = clientAddress(client);
        RelayAdmission.Decision decision = asyncFunction != null
                ? admission.admit(address, RelayAdmission.Lane.ASYNC, false)
                : admission.admit(address, RelayAdmission.Lane.of(head), !guard.carriesToken(head.header("Authorization")));
        if (decision.ticket() == null) {
            refuse(client, decision.status(), decision.detail(), "Retry-After: 1");
            return true;
        }
        String forwardedFor = address == null ? "unknown" : address.getHostAddress();
        try {
            pool.execute(new RelayedRequest(client, head, alreadyRead, forwardedFor, asyncFunction, port,
                    decision.ticket(), shared));
        } catch (RejectedExecutionException e) {
            decision.ticket().release();
            refuse(client, 503, "the console and API are busy; try again shortly", "Retry-After: 1");
        }
        return true;
    }

    private void refuse(SocketChannel client, int status, String detail, String header) {
        String headers = SecurityHeaders.asHeaderLines() + (header == null ? "" : "\r\n" + header);
        refusals.refuse(client, ProblemResponse.of(status, detail, false, Map.of(), headers));
    }

    /**
     * The head as Spring should see it: hop-by-hop connection headers replaced, client address added,
     * and {@value #FUNCTION_HEADER} only as the gateway set it (a client's own is dropped).
     *
     * @param asyncFunction the function an async enqueue calls, or null
     */
    static byte[] forwardedHead(RequestHead head, String clientAddress, String asyncFunction) {
        StringBuilder sb = new StringBuilder(512);
        sb.append(head.method()).append(' ').append(head.path());
        if (!head.query().isEmpty()) {
            sb.append('?').append(head.query());
        }
        sb.append(" HTTP/1.1\r\n");
        for (HttpHeader h : head.headers()) {
            String name = h.name();
            if (name.equalsIgnoreCase("Connection") || name.equalsIgnoreCase("Keep-Alive")
                    || name.equalsIgnoreCase("Proxy-Connection") || name.equalsIgnoreCase("X-Forwarded-For")
                    || name.equalsIgnoreCase(FUNCTION_HEADER)) {
                continue;
            }
            sb.append(name).append(": ").append(h.value()).append("\r\n");
        }
        sb.append("X-Forwarded-For: ").append(clientAddress).append("\r\n");
        if (asyncFunction != null) {
            sb.append(FUNCTION_HEADER).append(": ").append(asyncFunction).append("\r\n");
        }
        sb.append("Connection: close\r\n\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static InetAddress clientAddress(SocketChannel client) {
        try {
            SocketAddress remote = client.getRemoteAddress();
            return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
        } catch (IOException e) {
            return null;
        }
    }

    void shutdown() {
        pool.shutdownNow();
        deadlines.shutdown();
        refusals.shutdown();
    }
}
