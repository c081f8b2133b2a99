package org.faasj.controlplane.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.faasj.controlplane.testing.RawResponses.readResponse;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.faasj.controlplane.metrics.GatewayCounters;
import org.faasj.controlplane.routing.Route;
import org.faasj.controlplane.routing.RouteTable;
import org.faasj.controlplane.scheduling.FunctionAdmission;
import org.faasj.controlplane.scheduling.WorkerPicker;
import org.faasj.controlplane.system.FaasProperties;
import org.faasj.controlplane.workers.WorkerPool;
import org.faasj.model.FunctionDescriptor;
import org.faasj.model.FunctionRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Concurrency limits and the drain on one real event loop (loopback sockets, a clock moved by
 * hand): a parked call outlives the head timeout and gets 429 at its queue wait, a freed place
 * resumes it (here into "no worker ready", whose 503 gives the place back), and a drain closes
 * idle connections and keeps none alive.
 */
class ParkedCallsAndDrainTest {

    /** Counting on, so the loop's metric hooks run in these tests too. */
    private final GatewayCounters counters = new GatewayCounters(true);

    private static final int MAX_HEAD = 16 * 1024;
    private static final long HEAD_TIMEOUT = TimeUnit.SECONDS.toNanos(10);
    private static final long QUEUE_WAIT = TimeUnit.SECONDS.toNanos(30);
    private static final String NOT_FOUND = "GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final FunctionDescriptor ONE_AT_A_TIME = new FunctionDescriptor("f", FunctionRuntime.PHP, "GET", "/f",
            "f.php", null, 64, 10, 64, 64, null, null, 1, 1);

    /** These tests never relay; the relay only has to exist. */
    private static final FaasProperties.Relay UNUSED_RELAY_LIMITS =
            new FaasProperties.Relay(Duration.ofSeconds(10), Duration.ofSeconds(120), 1, 1, 1, 1, 1);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final ConnectionCaps caps = new ConnectionCaps(100, 100, 10);
    private final WebRelay relay = new WebRelay(new LocalWebServer(), UNUSED_RELAY_LIMITS, null);
    private final FunctionAdmission places = new FunctionAdmission(1);
    private ServerSocketChannel server;
    private EventLoop loop;

    @BeforeEach
    void start() throws IOException {
        RouteTable routes = new RouteTable();
        routes.put(new Route(ONE_AT_A_TIME, Path.of("/fn/f.php")));
        FaasProperties properties = new Binder(new MapConfigurationPropertySource(Map.of("faas.data-dir", "/tmp/unused", "faas.workers.count", "1")))
                .bind("faas", FaasProperties.class).get();
        WorkerPicker noWorkerReady = new WorkerPicker(new WorkerPool(properties), properties);
        GatewayContext ctx = new GatewayContext(new HttpHeadParser(MAX_HEAD), routes, noWorkerReady, relay,
                2048, MAX_HEAD + 8 * 1024, HEAD_TIMEOUT, TimeUnit.SECONDS.toNanos(60), 1 << 20,
                TimeUnit.SECONDS.toNanos(10), now::get, caps, TimeUnit.SECONDS.toNanos(10),
                new CallAdmission(places, QUEUE_WAIT, now::get, counters), counters);
        loop = new EventLoop(0, ctx);
        Thread t = new Thread(loop, "test-loop");
        t.setDaemon(true);
        t.start();
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void stop() throws IOException {
        loop.shutdown();
        server.close();
        relay.shutdown();
    }

    @Test
    void aParkedCallOutlivesTheHeadTimeoutAndGets429WithRetryAfterWhenItsWaitRunsOut() throws Exception {
        FunctionAdmission.Ticket held = places.admit(ONE_AT_A_TIME, () -> { });
        try (Socket parked = connect()) {
            send(parked, "GET /f HTTP/1.1\r\nHost: x\r\n\r\n");
            await(() -> places.waiting("f") == 1, "the call parked");

            now.addAndGet(HEAD_TIMEOUT + TimeUnit.SECONDS.toNanos(1));
            sweepSeen();
            assertThat(parked.getInputStream().available()).as("no 408 for a parked call").isZero();
            assertThat(places.waiting("f")).isEqualTo(1);

            now.addAndGet(QUEUE_WAIT);
            String answer = readResponse(parked.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 429 ").contains("Retry-After: 1\r\n")
                    .contains("Connection: close").contains("\"function\":\"f\"").contains("\"concurrency\":1");
            assertThat(places.waiting("f")).isZero();
        } finally {
            held.end();
        }
        assertThat(places.running("f")).isZero();
    }

    @Test
    void aFreedPlaceResumesTheParkedCallAndANoWorker503GivesThePlaceBack() throws Exception {
        FunctionAdmission.Ticket held = places.admit(ONE_AT_A_TIME, () -> { });
        try (Socket parked = connect(); Socket refused = connect()) {
            send(parked, "GET /f HTTP/1.1\r\nHost: x\r\n\r\n");
            await(() -> places.waiting("f") == 1, "the call parked");
            send(refused, "GET /f HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(readResponse(refused.getInputStream())).startsWith("HTTP/1.1 429 ")
                    .contains("Retry-After: 1\r\n").contains("Connection: keep-alive");

            held.end(); // the place goes to the parked call, which resumes on its loop
            String answer = readResponse(parked.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 503 ").contains("Retry-After: 1\r\n").contains("no worker");
            await(() -> places.running("f") == 0 && places.waiting("f") == 0, "the place given back");
        }
    }

    @Test
    void theNoWorker503CarriesTheCallId() throws Exception {
        try (Socket client = connect()) {
            send(client, "GET /f HTTP/1.1\r\nHost: x\r\nX-Call-Id: order-17\r\n\r\n");
            assertThat(readResponse(client.getInputStream())).startsWith("HTTP/1.1 503 ").contains("no worker")
                    .contains("X-Call-Id: order-17\r\n");
        }
        await(() -> places.running("f") == 0, "the place given back");
    }

    @Test
    void aParkedClientThatLeavesGivesItsTurnUp() throws Exception {
        FunctionAdmission.Ticket held = places.admit(ONE_AT_A_TIME, () -> { });
        Socket parked = connect();
        send(parked, "GET /f HTTP/1.1\r\nHost: x\r\n\r\n");
        await(() -> places.waiting("f") == 1, "the call parked");
        parked.close();
        await(() -> places.waiting("f") == 0 && caps.total() == 0, "the queue and the caps let go of it");
        held.end();
        assertThat(places.running("f")).isZero();
    }

    @Test
    void aDrainKeepsNoConnectionAliveAndClosesIdleOnesAfterTheLinger() throws Exception {
        try (Socket idle = connect(); Socket late = connect()) {
            send(idle, NOT_FOUND);
            assertThat(readResponse(idle.getInputStream())).contains("Connection: keep-alive");
            assertThat(loop.openCalls().get(10, TimeUnit.SECONDS)).isEqualTo(2);

            loop.startDrain();
            openCalls(); // the loop's tasks run in order: the drain has begun
            send(late, NOT_FOUND);
            assertThat(readResponse(late.getInputStream())).startsWith("HTTP/1.1 404 ").contains("Connection: close");
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(400));
            sweepSeen();
            assertThat(idle.getInputStream().available()).as("closed only after the linger").isZero();

            now.addAndGet(TimeUnit.SECONDS.toNanos(1)); // past the linger and the next sweep's time
            idle.setSoTimeout(10_000);
            assertThat(idle.getInputStream().read()).isEqualTo(-1);
            late.close();
            await(() -> openCalls() == 0, "nothing open");
        }
    }

    private int openCalls() {
        try {
            return loop.openCalls().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Returns once the loop has run a sweep at the clock's current time: the second of two round
     * trips (on fresh connections, as a drain closes each after its answer) is served in a later
     * loop turn than the first, whose turn ended with a sweep.
     */
    private void sweepSeen() throws Exception {
        for (int i = 0; i < 2; i++) {
            try (Socket probe = connect()) {
                send(probe, NOT_FOUND);
                assertThat(readResponse(probe.getInputStream())).startsWith("HTTP/1.1 404 ");
            }
        }
    }

    /** Connects a client and gives the accepted side to the loop, as the acceptor does. */
    private Socket connect() throws IOException {
        Socket client = new Socket();
        client.connect(server.getLocalAddress());
        client.setSoTimeout(10_000);
        SocketChannel accepted = server.accept();
        accepted.configureBlocking(false);
        InetAddress address = InetAddress.getLoopbackAddress();
        assertThat(caps.tryAcquire(address)).isNull();
        loop.adopt(accepted, address);
        return client;
    }

    private static void send(Socket s, String request) throws IOException {
        s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
