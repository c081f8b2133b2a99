package org.faasj.controlplane.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.hc.client5.http.DnsResolver;
import org.faasj.controlplane.metrics.AsyncMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CallbackSenderTest {

    record Received(String method, Headers headers, String body) {
    }

    @TempDir
    Path dir;
    JdbcCallQueue queue;
    HttpServer server;
    final List<Received> received = new CopyOnWriteArrayList<>();
    final AtomicInteger failuresLeft = new AtomicInteger();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CallbackSender sender;

    @BeforeEach
    void open() throws Exception {
        queue = JdbcCallQueue.openSqlite(dir.resolve("async.db"), 64);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestHeaders(),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            int status = failuresLeft.getAndDecrement() > 0 ? 500 : 204;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void close() {
        if (sender != null) {
            sender.close();
        }
        server.stop(0);
        queue.close();
    }

    private String hook() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    private CallbackSender sender(boolean allowPrivate, int retries) {
        return sender(new CallbackClient(Duration.ofSeconds(5), allowPrivate), retries);
    }

    private CallbackSender sender(CallbackClient client, int retries) {
        sender = new CallbackSender(queue, client,
                new Backoff(Duration.ofMillis(1), Duration.ofMillis(1), () -> 0.0), new AsyncMetrics(registry, true),
                new CallbackSender.Settings(retries, Duration.ofSeconds(5), Duration.ofMillis(20)),
                System::currentTimeMillis);
        return sender;
    }

    private void finishedCall(String id, String url) throws Exception {
        queue.enqueue(JdbcCallQueueTest.call(id, "f", 1000, url, 3));
        queue.claim(1000, 1, Map.of(), 1);
        CallResult result = new CallResult(201, List.of(Map.entry("Content-Type", "text/plain"),
                Map.entry("X-Made-By", "f"), Map.entry("Connection", "close"), Map.entry("Transfer-Encoding", "chunked")),
                "the result".getBytes(StandardCharsets.UTF_8), false, null);
        queue.finish(id, CallState.SUCCEEDED, result, 3500);
    }

    private PendingCallback due() throws Exception {
        return queue.claimCallbacks(System.currentTimeMillis(), 1, 0).get(0);
    }

    @Test
    void theResultIsPostedWithItsStatusHeadersAndBody() throws Exception {
        finishedCall("c1", hook());

        sender(true, 3).deliver(due());

        assertThat(received).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.body()).isEqualTo("the result");
            assertThat(r.headers().getFirst("X-Call-Id")).isEqualTo("c1");
            assertThat(r.headers().getFirst("X-Function-Status")).isEqualTo("201");
            assertThat(r.headers().getFirst("X-Duration-Seconds")).isEqualTo("2.500");
            assertThat(r.headers().getFirst("X-Made-By")).isEqualTo("f");
            assertThat(r.headers().getFirst("Content-Type")).isEqualTo("text/plain");
            assertThat(r.headers().getFirst("Transfer-Encoding")).isNull();
        });
        CallSnapshot s = queue.find("c1").orElseThrow();
        assertThat(s.callbackState()).isEqualTo("delivered");
        assertThat(s.callbackAttempts()).isEqualTo(1);
    }

    @Test
    void aFailedPostIsRetriedUntilItIsDelivered() throws Exception {
        failuresLeft.set(2);
        finishedCall("c1", hook());
        sender(true, 3).start();

        await().atMost(Duration.ofSeconds(10)).until(() -> "delivered".equals(queue.find("c1").orElseThrow().callbackState()));
        assertThat(received).hasSize(3);
        assertThat(queue.find("c1").orElseThrow().callbackAttempts()).isEqualTo(3);
        assertThat(registry.find("faasj.async.callbacks").tag("outcome", "retried").counter().count()).isEqualTo(2);
    }

    @Test
    void aCallbackThatKeepsFailingIsRecordedAsFailedAfterItsRetries() throws Exception {
        failuresLeft.set(100);
        finishedCall("c1", hook());
        sender(true, 2).start();

        await().atMost(Duration.ofSeconds(10)).until(() -> "failed".equals(queue.find("c1").orElseThrow().callbackState()));
        CallSnapshot s = queue.find("c1").orElseThrow();
        assertThat(s.callbackAttempts()).isEqualTo(3);
        assertThat(s.callbackError()).contains("500");
        assertThat(received).hasSize(3);
    }

    @Test
    void aCallbackToTheHostIsRefusedWithoutPrivateTargetsAllowed() throws Exception {
        finishedCall("c1", hook());

        sender(false, 3).deliver(due());

        assertThat(received).isEmpty();
        CallSnapshot s = queue.find("c1").orElseThrow();
        assertThat(s.callbackState()).isEqualTo("failed");
        assertThat(s.callbackError()).contains("127.0.0.1").contains("callback-allow-private");
    }

    /** A name server that answers {@code hooks.rebind.test} with what the test says, and counts the questions. */
    static final class ScriptedLookup implements DnsResolver {
        final AtomicInteger questions = new AtomicInteger();
        final List<InetAddress> answers;

        ScriptedLookup(InetAddress... answers) {
            this.answers = List.of(answers);
        }

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            if (!host.equals("hooks.rebind.test")) {
                throw new UnknownHostException(host);
            }
            int n = questions.getAndIncrement();
            return new InetAddress[] {answers.get(Math.min(n, answers.size() - 1))};
        }

        @Override
        public String resolveCanonicalHostname(String host) {
            return host;
        }
    }

    private String rebindingHook() {
        return "http://hooks.rebind.test:" + server.getAddress().getPort() + "/hook";
    }

    /**
     * The POST goes to the address the vetted lookup returned: with private targets allowed, a
     * made-up name that only the scripted lookup knows reaches the test's loopback server, asked
     * once. So the SSRF rule and the connection share one answer; before, the rule resolved the name
     * itself and the HTTP client resolved it again, and a name server that answered "public" first
     * and "loopback" second got the POST into the host.
     */
    @Test
    void theConnectionGoesWhereTheVettedLookupSaid() throws Exception {
        ScriptedLookup lookup = new ScriptedLookup(InetAddress.getLoopbackAddress());
        finishedCall("c1", rebindingHook());

        sender(new CallbackClient(Duration.ofSeconds(5), true, lookup), 3).deliver(due());

        assertThat(received).hasSize(1);
        assertThat(lookup.questions).hasValue(1);
        assertThat(queue.find("c1").orElseThrow().callbackState()).isEqualTo("delivered");
    }

    @Test
    void aNameThatResolvesToLoopbackIsRefusedOnTheLookupItWouldConnectWith() throws Exception {
        ScriptedLookup lookup = new ScriptedLookup(InetAddress.getLoopbackAddress());
        finishedCall("c1", rebindingHook());

        sender(new CallbackClient(Duration.ofSeconds(5), false, lookup), 3).deliver(due());

        assertThat(received).isEmpty();
        assertThat(lookup.questions).hasValue(1);
        CallSnapshot s = queue.find("c1").orElseThrow();
        assertThat(s.callbackState()).isEqualTo("failed");
        assertThat(s.callbackAttempts()).isEqualTo(1);
        assertThat(s.callbackError()).contains("hooks.rebind.test").contains("127.0.0.1").contains("callback-allow-private");
    }

    /** A server that never answers costs one timeout, not the sender thread. */
    @Test
    void aPostEndsAtItsTimeoutWhenTheServerNeverAnswers() throws Exception {
        server.createContext("/silent", exchange -> {
            try {
                Thread.sleep(4_000); // the server's only thread: stop() waits for it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        finishedCall("c1", "http://127.0.0.1:" + server.getAddress().getPort() + "/silent");
        CallbackClient client = new CallbackClient(Duration.ofMillis(500), true);

        long started = System.nanoTime();
        sender(client, 0).deliver(due());

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertThat(queue.find("c1").orElseThrow().callbackState()).isEqualTo("failed");
    }

    @Test
    void aStoredHeaderThatWouldBreakItsLineIsLeftOut() throws Exception {
        queue.enqueue(JdbcCallQueueTest.call("c1", "f", 1000, hook(), 3));
        queue.claim(1000, 1, Map.of(), 1);
        queue.finish("c1", CallState.SUCCEEDED, new CallResult(200, List.of(Map.entry("X-Fine", "yes"),
                Map.entry("X-Split", "a\r\nX-Injected: 1")), new byte[0], false, null), 3500);

        sender(true, 3).deliver(due());

        assertThat(received).singleElement().satisfies(r -> {
            assertThat(r.headers().getFirst("X-Fine")).isEqualTo("yes");
            assertThat(r.headers().containsKey("X-Split")).isFalse();
            assertThat(r.headers().containsKey("X-Injected")).isFalse();
        });
    }
}
