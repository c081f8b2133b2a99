package org.faasj.worker.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.faasj.model.CompletionAck;
import org.faasj.model.FunctionRuntime;
import org.faasj.model.HandoffFrame;
import org.faasj.model.Network;
import org.faasj.worker.exec.FunctionRunner;
import org.faasj.worker.exec.Invocation;
import org.faasj.worker.exec.Outcome;
import org.faasj.worker.exec.OutputBudget;
import org.faasj.worker.handoff.AckSender;
import org.faasj.worker.http.BodySettings;
import org.faasj.worker.http.ResponseWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which calls run on the thread that received their frame: those the runner expects to be quick
 * whose whole body came with the frame, and only with a free concurrency place.
 */
class InlineCallsTest {

    @TempDir
    Path dir;
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private final BlockingQueue<CompletionAck> acks = new LinkedBlockingQueue<>();
    private final AckSender sink = ack -> {
        if (!ack.isResponseStart()) {
            acks.add(ack);
        }
    };
    /** Request id and thread of every call the runner started. */
    private final BlockingQueue<String> started = new LinkedBlockingQueue<>();
    private ServerSocketChannel listener;

    @BeforeEach
    void listen() throws Exception {
        listener = ClientPair.listen();
    }

    @AfterEach
    void stop() throws Exception {
        timer.shutdownNow();
        listener.close();
    }

    /** Notes where each call runs; calls whose body is "wait" hold on until {@code release}. */
    private FunctionRunner runner(boolean quick, CountDownLatch release) {
        return new FunctionRunner() {
            @Override
            public Outcome run(Invocation invocation) {
                started.add(invocation.frame().requestId() + "@" + Thread.currentThread().getName());
                if ("wait".equals(new String(invocation.frame().bodyPrefix(), StandardCharsets.US_ASCII))) {
                    try {
                        release.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return new Outcome.Exited(0, "{}".getBytes(StandardCharsets.US_ASCII), 2, "");
            }

            @Override
            public boolean runsQuickly(HandoffFrame frame) {
                return quick;
            }
        };
    }

    private RequestDispatcher dispatcher(FunctionRunner runner, int maxConcurrency, int maxQueued) {
        Map<FunctionRuntime, FunctionRunner> all = new EnumMap<>(FunctionRuntime.class);
        for (FunctionRuntime r : FunctionRuntime.values()) {
            all.put(r, runner);
        }
        return new RequestDispatcher(new Runners(all), new ResponseWriter(7), maxConcurrency, maxQueued,
                new BodySettings(5_000, 1 << 20, dir.resolve("bodies")), new OutputBudget(1 << 20), timer, false);
    }

    private static HandoffFrame frame(long id, String bodyPrefix, long contentLength) {
        byte[] body = bodyPrefix.getBytes(StandardCharsets.US_ASCII);
        return new HandoffFrame(id, true, "fn", 1, FunctionRuntime.WASM, "/m.wasm", "main", 64, 10_000, 64, 64,
                Network.OUTBOUND, Map.of(), "POST", "/x", "", List.of(), contentLength, body);
    }

    /** Hands the frame over on this thread; returns where the call ran once it is acked. */
    private String handle(RequestDispatcher d, HandoffFrame frame) throws Throwable {
        try (ClientPair pair = ClientPair.connect(listener)) {
            d.handle(frame, pair.workerCopy(), sink);
            CompletionAck ack = acks.poll(20, TimeUnit.SECONDS);
            assertNotNull(ack);
            assertEquals(frame.requestId(), ack.requestId());
            assertEquals(200, ack.status());
            return started.poll(1, TimeUnit.SECONDS);
        }
    }

    @Test
    void aQuickCallWithItsWholeBodyRunsOnTheThreadThatReceivedIt() throws Throwable {
        RequestDispatcher d = dispatcher(runner(true, new CountDownLatch(0)), 2, 2);
        try {
            assertEquals("1@" + Thread.currentThread().getName(), handle(d, frame(1, "abc", 3)));
            assertEquals("2@" + Thread.currentThread().getName(), handle(d, frame(2, "", 0)));
        } finally {
            d.close();
        }
    }

    @Test
    void aCallWhoseBodyIsStillToComeOrThatIsNotQuickGoesToThePool() throws Throwable {
        RequestDispatcher quick = dispatcher(runner(true, new CountDownLatch(0)), 2, 2);
        RequestDispatcher slow = dispatcher(runner(false, new CountDownLatch(0)), 2, 2);
        try {
            assertTrue(handle(quick, frame(1, "abc", 10)).startsWith("1@invoke-"), "the body's rest is on the socket");
            assertTrue(handle(slow, frame(2, "abc", 3)).startsWith("2@invoke-"), "not expected to be quick");
        } finally {
            quick.close();
            slow.close();
        }
    }

    @Test
    void anInlineCallTakesAConcurrencyPlaceThatAPooledCallWaitsFor() throws Throwable {
        CountDownLatch release = new CountDownLatch(1);
        RequestDispatcher d = dispatcher(runner(true, release), 1, 1);
        try (ClientPair first = ClientPair.connect(listener); ClientPair second = ClientPair.connect(listener)) {
            Thread reader = new Thread(() -> d.handle(frame(1, "wait", 4), first.workerCopy(), sink), "reader");
            reader.start();
            assertEquals("1@reader", started.poll(20, TimeUnit.SECONDS));

            // the only place is taken: the next call is pooled at once, and waits there for the place
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> d.handle(frame(2, "go", 2), second.workerCopy(), sink));
            assertNull(started.poll(300, TimeUnit.MILLISECONDS), "a second call ran beside the inline one");

            release.countDown();
            assertEquals(1, acks.poll(20, TimeUnit.SECONDS).requestId());
            String pooled = started.poll(20, TimeUnit.SECONDS);
            assertNotNull(pooled);
            assertTrue(pooled.startsWith("2@invoke-"), pooled);
            CompletionAck ack = acks.poll(20, TimeUnit.SECONDS);
            assertEquals(2, ack.requestId());
            assertEquals(200, ack.status());
            reader.join(5_000);
        } finally {
            d.close();
        }
    }
}
