package org.faasj.worker.records;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.faasj.model.CallId;
import org.faasj.model.InvocationRecord;
import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the worker's invocation records to the control plane. Calls {@link #offer} them without
 * blocking into a bounded queue (full: the record is dropped and counted, a call never waits for
 * telemetry); one daemon thread packs them into datagrams of at most
 * {@link InvocationRecord#MAX_BATCH_BYTES}, sending a batch when it is full or {@code flushNanos}
 * after its first record. Only the first record of a batch is waited for on the queue; the rest
 * are collected in naps, so a busy worker's calls do not each wake this thread. Nobody listening (the control plane restarting) loses the batch.
 */
public final class CallRecordSender implements AutoCloseable {

    /** Where a batch goes: the calls socket, or a test's list. */
    @FunctionalInterface
    public interface Transport {
        void send(byte[] datagram) throws IOException;
    }

    public static final int QUEUE_RECORDS = 8192;
    public static final long FLUSH_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** How long a batch under way naps between looks at the queue (bounds how late close sees it). */
    static final long COLLECT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** The batch's magic and count. */
    static final int BATCH_HEADER = 8;
    private static final long DROP_REPORT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final Logger log = LoggerFactory.getLogger(CallRecordSender.class);

    private final BlockingQueue<InvocationRecord> queue;
    private final Transport transport;
    private final long flushNanos;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong unsent = new AtomicLong();
    private final Thread thread;
    private final AutoCloseable onClose;
    private volatile boolean running = true;
    private long droppedReported;
    private long lastDropReport = System.nanoTime() - DROP_REPORT_NANOS;

    public CallRecordSender(Transport transport, int capacity, long flushNanos, AutoCloseable onClose) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.transport = transport;
        this.flushNanos = flushNanos;
        this.onClose = onClose;
        this.thread = new Thread(this::drain, "call-records");
        thread.setDaemon(true);
        thread.start();
    }

    /** A sender to the control plane's calls socket at {@code socket}. */
    public static CallRecordSender to(Path socket) throws IOException {
        AFUNIXDatagramSocket datagrams = AFUNIXDatagramSocket.newInstance();
        AFUNIXSocketAddress target = AFUNIXSocketAddress.of(socket);
        // through the channel: a DatagramPacket refuses a Unix address as "unresolved"
        Transport transport = bytes -> datagrams.getChannel().send(ByteBuffer.wrap(bytes), target);
        return new CallRecordSender(transport, QUEUE_RECORDS, FLUSH_NANOS, datagrams);
    }

    /**
     * Queues a record; false (counted) when the queue is full, the sender closed, or the call id
     * malformed (the receiver would refuse the whole batch for it).
     */
    public boolean offer(InvocationRecord record) {
        if (running && CallId.isWellFormed(record.callId()) && queue.offer(record)) {
            return true;
        }
        dropped.incrementAndGet();
        return false;
    }

    /** Records not queued (queue full, closed, malformed). */
    public long dropped() {
        return dropped.get();
    }

    /** Records in batches that could not be sent (nobody listening). */
    public long unsent() {
        return unsent.get();
    }

    private void drain() {
        List<InvocationRecord> batch = new ArrayList<>();
        InvocationRecord carried = null;
        while (running || carried != null || !queue.isEmpty()) {
            InvocationRecord first = carried != null ? carried : next(System.nanoTime() + flushNanos);
            carried = null;
            if (first == null) {
                continue;
            }
            carried = fill(batch, fitted(first));
            send(batch);
            batch.clear();
            reportDrops();
        }
    }

    /** Adds records until the batch is full or its flush time comes; returns the one that did not fit. */
    private InvocationRecord fill(List<InvocationRecord> batch, InvocationRecord first) {
        batch.add(first);
        int size = BATCH_HEADER + first.encodedSize();
        long flushAt = System.nanoTime() + flushNanos;
        InvocationRecord next;
        while ((next = collected(flushAt)) != null) {
            next = fitted(next);
            int more = next.encodedSize();
            if (size + more > InvocationRecord.MAX_BATCH_BYTES) {
                return next;
            }
            batch.add(next);
            size += more;
        }
        return null;
    }

    /** The next record by {@code deadline}; once closing, only what is already queued. */
    private InvocationRecord next(long deadline) {
        if (!running) {
            return queue.poll();
        }
        long wait = deadline - System.nanoTime();
        try {
            return wait <= 0 ? queue.poll() : queue.poll(wait, TimeUnit.NANOSECONDS);
        } catch (InterruptedException closing) {
            return queue.poll();
        }
    }

    /**
     * The next record for a batch under way, by {@code deadline}. It naps in slices instead of
     * waiting on the queue: a waiting consumer is woken by every offer, and under load that was
     * one thread wake-up (a futex call on the invoke thread, a context switch here) per call.
     */
    private InvocationRecord collected(long deadline) {
        InvocationRecord next;
        while ((next = queue.poll()) == null && running) {
            long wait = deadline - System.nanoTime();
            if (wait <= 0) {
                return null;
            }
            LockSupport.parkNanos(Math.min(wait, COLLECT_SLICE_NANOS));
        }
        return next;
    }

    /** A record too big for a batch of its own keeps as much of its stderr as fits. */
    static InvocationRecord fitted(InvocationRecord r) {
        int room = InvocationRecord.MAX_BATCH_BYTES - BATCH_HEADER;
        if (r.encodedSize() <= room) {
            return r;
        }
        InvocationRecord bare = withStderr(r, "");
        int chars = Math.max(0, (room - bare.encodedSize()) / 3);
        String stderr = r.stderr();
        if (chars > 0 && Character.isHighSurrogate(stderr.charAt(chars - 1))) {
            chars--;
        }
        return withStderr(r, stderr.substring(0, Math.min(chars, stderr.length())));
    }

    private static InvocationRecord withStderr(InvocationRecord r, String stderr) {
        return new InvocationRecord(r.callId(), r.functionName(), r.functionVersion(), r.workerId(),
                r.startedAtMillis(), r.durationMicros(), r.queueWaitMicros(), r.status(), r.outcome(), r.exitCode(),
                r.coldStart(), r.cpuMicros(), r.peakRssKb(), stderr);
    }

    private void send(List<InvocationRecord> batch) {
        try {
            transport.send(InvocationRecord.encodeBatch(batch));
        } catch (IOException | RuntimeException e) {
            unsent.addAndGet(batch.size());
            log.trace("invocation records not delivered: {}", e.toString());
        }
    }

    /** At most one warning per ten seconds, and only when records were dropped since the last. */
    private void reportDrops() {
        long now = System.nanoTime();
        long total = dropped.get();
        if (total != droppedReported && now - lastDropReport >= DROP_REPORT_NANOS) {
            log.warn("{} invocation records dropped: the record queue was full", total - droppedReported);
            droppedReported = total;
            lastDropReport = now;
        }
    }

    /** Sends what is queued (for a second at most), then stops. */
    @Override
    public void close() {
        running = false;
        // no interrupt: it would close the socket's channel under a send; a poll waits a flush period at most
        try {
            thread.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (onClose != null) {
                onClose.close();
            }
        } catch (Exception ignored) {
            // shutting down
        }
    }
}
