package org.faasj.worker.handoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.faasj.model.FunctionRuntime;
import org.faasj.model.HandoffFrame;
import org.faasj.model.Network;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * A reader kept busy by one frame is replaced, so later frames on the same connection are still
 * handled, and the replaced reader ends with its frame. (That a reader handling only
 * short frames keeps its place is not asserted: on an overloaded box a reader preempted for 5 ms in
 * the middle of a frame is replaced too, which is harmless and correct.)
 */
class ReaderTakeOverTest {

    @TempDir
    Path dir;
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private HandoffServer server;

    /** Which thread handled a frame. */
    private record Handled(long id, String thread) {
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        timer.shutdownNow();
    }

    @Test
    void aLongFrameDoesNotHoldUpTheNextOnesAndOneReaderGoesOnAfterIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        BlockingQueue<Handled> handled = new LinkedBlockingQueue<>();
        try (AFUNIXSocket gateway = start((frame, client, acks) -> {
            handled.add(new Handled(frame.requestId(), Thread.currentThread().getName()));
            if (frame.requestId() == 1) {
                await(release);
            }
        })) {
            OutputStream out = gateway.getOutputStream();
            out.write(frame(1).encode());
            Handled first = handled.poll(10, TimeUnit.SECONDS);
            assertNotNull(first);
            out.write(frame(2).encode());
            Handled second = handled.poll(2, TimeUnit.SECONDS);
            assertNotNull(second, "frame 2 waited for the busy reader");
            assertEquals(1, release.getCount(), "frame 1 is still being handled");
            assertNotEquals(first.thread(), second.thread());

            release.countDown();
            for (long id = 3; id <= 40; id++) {
                out.write(frame(id).encode());
                Handled next = handled.poll(10, TimeUnit.SECONDS);
                assertNotNull(next);
                assertEquals(id, next.id());
                assertNotEquals(first.thread(), next.thread(), "the replaced reader ended with its frame");
            }
        }
    }

    @Test
    void theWatchStopsTickingWhenNoFramesCome() throws Exception {
        ReaderWatch watch = new ReaderWatch(timer);
        watch.readerBusy();
        assertTrue(watch.ticking());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (watch.ticking() && System.nanoTime() < deadline) {
            sleepMillis(10);
        }
        assertFalse(watch.ticking(), "no connection and no frame: nothing to watch");
    }

    private AFUNIXSocket start(FrameHandler handler) throws Exception {
        Path socket = dir.resolve("w.sock");
        server = new HandoffServer(socket, handler, timer);
        server.start();
        return AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(socket));
    }

    private static HandoffFrame frame(long id) {
        return new HandoffFrame(id, true, "fn", 1, FunctionRuntime.WASM, "/m.wasm", "main", 64, 10_000, 64, 64,
                Network.OUTBOUND, Map.of(), "GET", "/x", "", List.of(), 0, new byte[0]);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
