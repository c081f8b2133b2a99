package org.faasj.worker.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.faasj.model.InvocationOutcome;
import org.faasj.model.InvocationRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

class CallRecordSenderTest {

    @TempDir
    Path dir;
    private final BlockingQueue<byte[]> sent = new LinkedBlockingQueue<>();

    private static InvocationRecord record(String callId, String stderr) {
        return new InvocationRecord(callId, "fn", 1, 0, 1_000, 10, 0, 200, InvocationOutcome.OK, 0, true, -1, -1, stderr);
    }

    private List<InvocationRecord> receivedRecords(int count) throws InterruptedException {
        List<InvocationRecord> all = new ArrayList<>();
        while (all.size() < count) {
            byte[] datagram = sent.poll(20, TimeUnit.SECONDS);
            assertTrue(datagram != null, "only " + all.size() + " of " + count + " records arrived");
            assertTrue(datagram.length <= InvocationRecord.MAX_BATCH_BYTES, "a datagram of " + datagram.length);
            all.addAll(InvocationRecord.decodeBatch(ByteBuffer.wrap(datagram)));
        }
        return all;
    }

    @Test
    void aLoneRecordIsSentWithoutWaitingForMore() throws InterruptedException {
        try (CallRecordSender sender = new CallRecordSender(sent::add, 16, TimeUnit.MILLISECONDS.toNanos(10), null)) {
            assertTrue(sender.offer(record("one", "")));
            assertEquals(List.of(record("one", "")), receivedRecords(1));
        }
    }

    @Test
    void recordsQueuedTogetherShareDatagramsWithinTheBatchLimit() throws InterruptedException {
        String stderr = "x".repeat(4_000); // ~12 KB each as encodedSize counts: a few per batch
        List<InvocationRecord> offered = new ArrayList<>();
        try (CallRecordSender sender = new CallRecordSender(sent::add, 64, TimeUnit.SECONDS.toNanos(1), null)) {
            for (int i = 0; i < 20; i++) {
                InvocationRecord r = record("call-" + i, stderr);
                offered.add(r);
                assertTrue(sender.offer(r));
            }
            assertEquals(offered, receivedRecords(20), "all of them, in order");
        }
    }

    @Test
    void aFullQueueDropsAndCounts() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch sending = new CountDownLatch(1);
        CallRecordSender sender = new CallRecordSender(bytes -> {
            sending.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sent.add(bytes);
        }, 2, TimeUnit.MILLISECONDS.toNanos(1), null);
        try {
            sender.offer(record("first", ""));
            assertTrue(sending.await(20, TimeUnit.SECONDS)); // the thread is stuck sending "first"
            assertTrue(sender.offer(record("a", "")));
            assertTrue(sender.offer(record("b", "")));
            assertFalse(sender.offer(record("c", "")), "past the queue's capacity");
            assertEquals(1, sender.dropped());
        } finally {
            release.countDown();
            sender.close();
        }
        assertEquals(List.of("first", "a", "b"), receivedRecords(3).stream().map(InvocationRecord::callId).toList());
    }

    @Test
    void aRecordWithAMalformedCallIdIsNotQueued() {
        try (CallRecordSender sender = new CallRecordSender(sent::add, 4, TimeUnit.MILLISECONDS.toNanos(1), null)) {
            assertFalse(sender.offer(record("not ok", "")));
            assertFalse(sender.offer(record("", "")));
            assertEquals(2, sender.dropped());
        }
    }

    @Test
    void aRecordTooBigForABatchKeepsWhatFitsOfItsStderr() {
        InvocationRecord huge = record("big", "y".repeat(InvocationRecord.MAX_BATCH_BYTES));
        InvocationRecord fitted = CallRecordSender.fitted(huge);
        assertTrue(fitted.encodedSize() + CallRecordSender.BATCH_HEADER <= InvocationRecord.MAX_BATCH_BYTES);
        assertTrue(fitted.stderr().length() > 10_000, "it keeps as much as fits");
        assertTrue(huge.stderr().startsWith(fitted.stderr()));
        InvocationRecord small = record("small", "z");
        assertTrue(CallRecordSender.fitted(small) == small);
    }

    @Test
    void recordsCrossARealDatagramSocket() throws Exception {
        Path path = dir.resolve("calls.sock");
        try (AFUNIXDatagramSocket receiver = AFUNIXDatagramSocket.newInstance()) {
            receiver.bind(AFUNIXSocketAddress.of(path));
            receiver.setSoTimeout(20_000);
            try (CallRecordSender sender = CallRecordSender.to(path)) {
                assertTrue(sender.offer(record("over-the-wire", "some stderr\n")));
                byte[] buf = new byte[InvocationRecord.MAX_BATCH_BYTES];
                DatagramPacket packet = new DatagramPacket(buf, buf.length);
                receiver.receive(packet);
                assertEquals(List.of(record("over-the-wire", "some stderr\n")),
                        InvocationRecord.decodeBatch(ByteBuffer.wrap(buf, 0, packet.getLength())));
            }
        }
    }

    @Test
    void nobodyListeningLosesTheBatchQuietly() throws InterruptedException {
        try (CallRecordSender sender = CallRecordSender.to(dir.resolve("nobody.sock"))) {
            sender.offer(record("lost", ""));
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (sender.unsent() == 0 && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            assertEquals(1, sender.unsent());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
