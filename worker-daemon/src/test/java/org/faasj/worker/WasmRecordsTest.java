package org.faasj.worker;

import static org.faasj.model.WorkerOption.CALLS;
import static org.faasj.model.WorkerOption.MAX_CONCURRENCY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

import org.faasj.model.FunctionRuntime;
import org.faasj.model.InvocationOutcome;
import org.faasj.model.InvocationRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/** A WASM call's record: the thread's CPU time, the guest's linear memory, and a guest stopped at its limit. */
class WasmRecordsTest {

    @TempDir
    Path dir;
    AFUNIXDatagramSocket receiver;
    WorkerHarness worker;

    @BeforeEach
    void start() throws Exception {
        Path calls = dir.resolve("calls.sock");
        receiver = AFUNIXDatagramSocket.newInstance();
        receiver.bind(AFUNIXSocketAddress.of(calls));
        receiver.setSoTimeout(20_000);
        worker = new WorkerHarness(dir, new WorkerConfig(WorkerHarness.options(dir).set(MAX_CONCURRENCY, 1)
                .set(CALLS, calls).build()));
    }

    @AfterEach
    void stop() throws Exception {
        worker.close();
        receiver.close();
    }

    private InvocationRecord record() throws Exception {
        byte[] buf = new byte[InvocationRecord.MAX_BATCH_BYTES];
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        receiver.receive(packet);
        List<InvocationRecord> batch = InvocationRecord.decodeBatch(ByteBuffer.wrap(buf, 0, packet.getLength()));
        assertEquals(1, batch.size(), batch.toString());
        return batch.get(0);
    }

    @Test
    void aGuestsRecordHasItsCpuTimeAndLinearMemory() throws Exception {
        assertEquals(200, worker.call(Frames.of(FunctionRuntime.WASM, WasmModulesForTests.fromWat("counter", dir)).build())
                .response().status());

        InvocationRecord r = record();
        assertEquals(InvocationOutcome.OK, r.outcome());
        assertTrue(r.cpuMicros() >= 0, r.toString());
        assertTrue(r.peakRssKb() >= 64 && r.peakRssKb() % 64 == 0, "whole 64 KiB pages: " + r);
    }

    @Test
    void aGuestThatFailsWithItsMemoryAtTheLimitIsRecordedMemory() throws Exception {
        // 10 MB = 160 pages; grow.wat takes 1 + 9 × 16 = 145 (over 90 %), its next step is refused, it exits 7
        Path grow = WasmModulesForTests.fromWat("grow", dir);
        assertEquals(500, worker.call(Frames.of(FunctionRuntime.WASM, grow).memoryMb(10).build()).response().status());

        InvocationRecord r = record();
        assertEquals(InvocationOutcome.MEMORY, r.outcome(), r.toString());
        assertEquals(7, r.exitCode());
        assertEquals(145 * 64, r.peakRssKb());
    }
}
