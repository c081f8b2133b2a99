package org.faasj.worker.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.faasj.model.FunctionRuntime;
import org.faasj.model.HandoffFrame;
import org.faasj.model.InvocationOutcome;
import org.faasj.model.InvocationRecord;
import org.faasj.model.Network;
import org.faasj.worker.exec.FunctionRunner;
import org.faasj.worker.exec.Outcome;
import org.faasj.worker.exec.OutputBudget;
import org.faasj.worker.handoff.AckSender;
import org.faasj.worker.http.BodySettings;
import org.faasj.worker.http.ClientConnection;
import org.faasj.worker.http.ResponseWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.FileDescriptorCast;

/** Every call the dispatcher finishes makes exactly one invocation record, whichever way it ends. */
class DispatcherRecordsTest {

    private static final int WORKER_ID = 5;

    @TempDir
    Path dir;
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private final BlockingQueue<InvocationRecord> records = new LinkedBlockingQueue<>();
    private final CallRecorder recorder = new CallRecorder(WORKER_ID, 1024, records::add);
    private final AckSender acks = ack -> { };
    private final List<AutoCloseable> open = new java.util.ArrayList<>();
    private ServerSocketChannel listener;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        timer.shutdownNow();
        if (listener != null) {
            listener.close();
        }
    }

    private RequestDispatcher dispatcher(FunctionRunner runner, int maxConcurrency, int maxQueued) {
        Map<FunctionRuntime, FunctionRunner> all = new EnumMap<>(FunctionRuntime.class);
        for (FunctionRuntime r : FunctionRuntime.values()) {
            all.put(r, runner);
        }
        RequestDispatcher d = new RequestDispatcher(new Runners(all), new ResponseWriter(WORKER_ID), maxConcurrency,
                maxQueued, new BodySettings(5_000, 1 << 20, dir.resolve("bodies")), new OutputBudget(1 << 20), timer,
                false, recorder);
        open.add(d);
        return d;
    }

    private static HandoffFrame frame(long id, String callId) {
        return new HandoffFrame(id, false, "fn", 7, FunctionRuntime.NATIVE, "/nope", "main", 64, 10_000, 64, 64,
                Network.OUTBOUND, Map.of(), "GET", "/x", "", List.of(), 0, new byte[0], false, callId);
    }

    private FileDescriptor client() throws Throwable {
        if (listener == null) {
            listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        }
        Socket client = new Socket();
        client.connect(listener.getLocalAddress());
        SocketChannel server = listener.accept();
        open.add(client);
        open.add(server);
        FileDescriptor fd = (FileDescriptor) MethodHandles.lookup().findVirtual(Class.forName("sun.nio.ch.SelChImpl"),
                "getFD", MethodType.methodType(FileDescriptor.class)).invoke(server);
        return FileDescriptorCast.duplicating(fd).getFileDescriptor();
    }

    private InvocationRecord next() throws InterruptedException {
        InvocationRecord r = records.poll(20, TimeUnit.SECONDS);
        assertTrue(r != null, "no record");
        return r;
    }

    @Test
    void aCallThatExitsZeroIsRecordedOk() throws Throwable {
        RequestDispatcher d = dispatcher(inv -> new Outcome.Exited(0, "{}".getBytes(StandardCharsets.US_ASCII), 2, ""), 2, 2);
        d.handle(frame(1, "call-ok"), client(), acks);
        InvocationRecord r = next();
        assertEquals("call-ok", r.callId());
        assertEquals("fn", r.functionName());
        assertEquals(7, r.functionVersion());
        assertEquals(WORKER_ID, r.workerId());
        assertEquals(200, r.status());
        assertEquals(InvocationOutcome.OK, r.outcome());
        assertEquals(0, r.exitCode());
        assertTrue(r.durationMicros() >= 0 && r.queueWaitMicros() >= 0);
        assertTrue(r.startedAtMillis() > 0);
        assertEquals(-1, r.cpuMicros());
        assertEquals(-1, r.peakRssKb());
        assertFalse(r.coldStart(), "the fake runner started no process");
        assertNull(records.poll(200, TimeUnit.MILLISECONDS), "one record per call");
    }

    @Test
    void aNonZeroExitIsRecordedWithItsCode() throws Throwable {
        RequestDispatcher d = dispatcher(inv -> new Outcome.Exited(3, new byte[0], 0, "boom"), 2, 2);
        d.handle(frame(2, "call-three"), client(), acks);
        InvocationRecord r = next();
        assertEquals(500, r.status());
        assertEquals(InvocationOutcome.EXIT_NONZERO, r.outcome());
        assertEquals(3, r.exitCode());
    }

    @Test
    void aNonZeroExitThatRanOutOfMemoryIsRecordedMemory() throws Throwable {
        RequestDispatcher d = dispatcher(inv -> new Outcome.Exited(255, new byte[0], 0,
                "PHP Fatal error:  Allowed memory size of 33554432 bytes exhausted"), 2, 2);
        d.handle(frame(8, "call-oom"), client(), acks);
        InvocationRecord r = next();
        assertEquals(500, r.status());
        assertEquals(InvocationOutcome.MEMORY, r.outcome());
        assertEquals(255, r.exitCode());
    }

    @Test
    void theGatewaysQueueWaitIsAddedToTheWorkersOwn() throws Throwable {
        RequestDispatcher d = dispatcher(inv -> new Outcome.Exited(0, new byte[0], 0, ""), 2, 2);
        HandoffFrame f = frame(9, "call-waited");
        HandoffFrame waited = new HandoffFrame(f.requestId(), f.keepAlive(), f.functionName(), f.functionVersion(),
                f.runtime(), f.modulePath(), f.handler(), f.memoryMb(), f.timeoutMillis(), f.tmpMb(), f.processes(),
                f.network(), f.env(), f.method(), f.path(), f.query(), f.headers(), f.contentLength(), f.bodyPrefix(),
                false, f.callId(), 5_000_000);
        d.handle(waited, client(), acks);
        InvocationRecord r = next();
        assertTrue(r.queueWaitMicros() >= 5_000_000, Long.toString(r.queueWaitMicros()));
    }

    @Test
    void anErrorInTheWorkerIsAPlatformError() throws Throwable {
        RequestDispatcher d = dispatcher(inv -> {
            throw new OutOfMemoryError("simulated");
        }, 2, 2);
        d.handle(frame(3, "call-error"), client(), acks);
        InvocationRecord r = next();
        assertEquals(500, r.status());
        assertEquals(InvocationOutcome.PLATFORM_ERROR, r.outcome());
        assertEquals(-1, r.exitCode());
    }

    @Test
    void theAtCapacityRefusalIsRecordedUnavailable() throws Throwable {
        CountDownLatch release = new CountDownLatch(1);
        RequestDispatcher d = dispatcher(inv -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Outcome.Exited(0, new byte[0], 0, "");
        }, 1, 0);
        d.handle(frame(4, "call-busy"), client(), acks);
        d.handle(frame(5, "call-refused"), client(), acks);
        InvocationRecord refused = next();
        assertEquals("call-refused", refused.callId());
        assertEquals(InvocationOutcome.UNAVAILABLE, refused.outcome());
        assertEquals(503, refused.status());
        assertEquals(0, refused.queueWaitMicros(), "it never waited for a thread");
        release.countDown();
        assertEquals("call-busy", next().callId());
    }

    @Test
    void aDroppedCallIsRecordedLostWithoutAStatus() throws Throwable {
        new Call(frame(6, "call-dropped"), ClientConnection.adopt(client()), acks, () -> false, recorder).drop();
        InvocationRecord r = next();
        assertEquals(InvocationOutcome.LOST, r.outcome());
        assertEquals(0, r.status());
        assertEquals(WORKER_ID, r.workerId());
    }
}
