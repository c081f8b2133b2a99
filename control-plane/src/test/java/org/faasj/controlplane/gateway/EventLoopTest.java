package org.faasj.controlplane.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.faasj.controlplane.testing.RawResponses.readResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.faasj.controlplane.metrics.GatewayCounters;
import org.faasj.controlplane.routing.RouteTable;
import org.faasj.controlplane.scheduling.FunctionAdmission;
import org.faasj.controlplane.system.FaasProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One real event loop on loopback sockets, with a clock the test moves by hand. */
class EventLoopTest {

    /** Counting on, so the loop's metric hooks run in these tests too. */
    private final GatewayCounters counters = new GatewayCounters(true);

    private static final int MAX_HEAD = 16 * 1024;
    private static final long WRITE_TIMEOUT = TimeUnit.SECONDS.toNanos(10);
    private static final String NOT_FOUND = "GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n";

    /** These tests never relay; the relay only has to exist. */
    private static final FaasProperties.Relay UNUSED_RELAY_LIMITS =
            new FaasProperties.Relay(Duration.ofSeconds(10), Duration.ofSeconds(120), 1, 1, 1, 1, 1);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final ConnectionCaps caps = new ConnectionCaps(100, 100, 10);
    private final WebRelay relay = new WebRelay(new LocalWebServer(), UNUSED_RELAY_LIMITS, null);
    private ServerSocketChannel server;
    private EventLoop loop;

    @BeforeEach
    void start() throws IOException {
        GatewayContext ctx = new GatewayContext(new HttpHeadParser(MAX_HEAD), new RouteTable(), null, relay,
                2048, MAX_HEAD + 8 * 1024, TimeUnit.SECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(60), 1 << 20,
                TimeUnit.SECONDS.toNanos(10), now::get, caps, WRITE_TIMEOUT,
                new CallAdmission(new FunctionAdmission(1), TimeUnit.SECONDS.toNanos(10), now::get, counters), counters);
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

    /** Connects a client and gives the accepted side to the loop, as the acceptor does. */
    private Socket connect(int receiveBuffer) throws IOException {
        Socket client = new Socket();
        if (receiveBuffer > 0) {
            client.setReceiveBufferSize(receiveBuffer);
        }
        client.connect(server.getLocalAddress());
        client.setSoTimeout(10_000);
        SocketChannel accepted = server.accept();
        accepted.configureBlocking(false);
        InetAddress address = InetAddress.getLoopbackAddress();
        assertThat(caps.tryAcquire(address)).isNull();
        loop.adopt(accepted, address);
        return client;
    }

    @Test
    void theLoopCountsItsOwnAnswersByStatus() throws Exception {
        try (Socket client = connect(0)) {
            client.getOutputStream().write(NOT_FOUND.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readResponse(client.getInputStream())).startsWith("HTTP/1.1 404 ");
            client.getOutputStream().write(NOT_FOUND.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readResponse(client.getInputStream())).startsWith("HTTP/1.1 404 ");
        }
        assertThat(counters.forLoop(0).answersOf(404)).isEqualTo(2);
        assertThat(counters.forLoop(0).answersOf(400)).isZero();
    }

    @Test
    void aHeadLargerThanTheFirstBufferIsServedAndOneLargerThanTheLimitGets431() throws Exception {
        try (Socket client = connect(0)) {
            String bigHead = "GET /nothing HTTP/1.1\r\nHost: x\r\nX-Pad: " + "a".repeat(10_000) + "\r\n\r\n";
            client.getOutputStream().write(bigHead.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readResponse(client.getInputStream())).startsWith("HTTP/1.1 404 ");
            client.getOutputStream().write(NOT_FOUND.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readResponse(client.getInputStream())).startsWith("HTTP/1.1 404 ");
        }
        try (Socket client = connect(0)) {
            String tooBig = "GET /nothing HTTP/1.1\r\nHost: x\r\nX-Pad: " + "a".repeat(MAX_HEAD + 8 * 1024) + "\r\n\r\n";
            client.getOutputStream().write(tooBig.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readResponse(client.getInputStream())).startsWith("HTTP/1.1 431 ");
        }
    }

    @Test
    void aClientThatDoesNotReadIsClosedOnceTheClockPassesTheWriteDeadlineAndNotBefore() throws Exception {
        Socket greedy = connect(4096);
        AtomicLong sent = new AtomicLong();
        byte[] burst = NOT_FOUND.repeat(200).getBytes(StandardCharsets.ISO_8859_1);
        CompletableFuture<Throwable> writer = CompletableFuture.supplyAsync(() -> {
            try (greedy) {
                OutputStream out = greedy.getOutputStream();
                while (true) {
                    out.write(burst);
                    sent.addAndGet(burst.length);
                }
            } catch (IOException e) {
                return e;
            }
        });
        // the loop stops reading once an answer waits for OP_WRITE; then the client's writes stop too
        long[] last = {-1};
        await(() -> {
            long s = sent.get();
            boolean stalled = s > 0 && s == last[0];
            last[0] = s;
            return stalled;
        }, 500, "the client's writes blocking");
        assertThat(writer).isNotDone();
        assertThat(caps.total()).isEqualTo(1); // real time passed, the loop's clock did not

        await(() -> {
            now.addAndGet(WRITE_TIMEOUT + 1);
            return caps.total() == 0;
        }, 300, "the connection closed at the write deadline");
        assertThat(writer.get(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
        try (Socket other = connect(0)) {
            other.getOutputStream().write(NOT_FOUND.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readResponse(other.getInputStream())).startsWith("HTTP/1.1 404 ");
        }
    }

    /**
     * The client reuses a kept-alive connection just as its idle time runs out: its request is in
     * the socket before the sweep, though after the round's select. It gets its answer, not a close.
     */
    @Test
    void aRequestThatArrivesAsTheIdleTimeRunsOutIsServedNotCutOff() throws Exception {
        try (Socket client = connect(0)) {
            OutputStream out = client.getOutputStream();
            out.write(NOT_FOUND.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readResponse(client.getInputStream())).startsWith("HTTP/1.1 404 ").contains("keep-alive");

            // on the loop's thread, between its select and its sweep: the request arrives, the idle time ends
            CompletableFuture<Void> arrived = new CompletableFuture<>();
            loop.execute(() -> {
                try {
                    out.write(NOT_FOUND.getBytes(StandardCharsets.ISO_8859_1));
                    TimeUnit.MILLISECONDS.sleep(50); // loopback has it in the gateway's socket by now
                    now.addAndGet(TimeUnit.SECONDS.toNanos(61));
                    arrived.complete(null);
                } catch (IOException | InterruptedException e) {
                    arrived.completeExceptionally(e);
                }
            });
            arrived.get(10, TimeUnit.SECONDS);

            assertThat(readResponse(client.getInputStream())).startsWith("HTTP/1.1 404 ");
            out.write(NOT_FOUND.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readResponse(client.getInputStream())).startsWith("HTTP/1.1 404 ");
        }
    }

    @Test
    void anIdleConnectionIsClosedOnceItsIdleTimeIsOver() throws Exception {
        try (Socket client = connect(0)) {
            client.getOutputStream().write(NOT_FOUND.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readResponse(client.getInputStream())).startsWith("HTTP/1.1 404 ");
            await(() -> {
                now.addAndGet(TimeUnit.SECONDS.toNanos(61));
                return caps.total() == 0;
            }, 300, "the idle connection closed");
            assertThat(client.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void anExceptionOrAnErrorInTheLoopsWorkDoesNotEndTheLoop() throws Exception {
        loop.execute(() -> {
            throw new IllegalStateException("a bug");
        });
        loop.execute(() -> {
            throw new OutOfMemoryError("pretend the heap ran out");
        });
        try (Socket client = connect(0)) {
            client.getOutputStream().write(NOT_FOUND.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readResponse(client.getInputStream())).startsWith("HTTP/1.1 404 ");
        }
        assertThat(loop.isAlive()).isTrue();
    }

    private static void await(BooleanSupplier condition, long pollMillis, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            TimeUnit.MILLISECONDS.sleep(pollMillis);
        }
    }
}
