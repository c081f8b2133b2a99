package org.faasj.controlplane.invocations;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.faasj.controlplane.calls.CallListener;
import org.faasj.model.InvocationRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Feeds the store from a thread of its own: the records' dispatch thread only offers to a bounded
 * buffer (full: the records are dropped and counted), so a slow disk never holds up the logs or the
 * statistics. Whatever has gathered is inserted in one transaction; pruning runs every
 * {@value #PRUNE_PERIOD_MILLIS} ms rather than per insert, so a function may briefly hold more than its cap.
 */
final class RecordWriter implements CallListener, SmartLifecycle {

    static final int BUFFER_RECORDS = 10_000;
    static final int MAX_BATCH = 1_000;
    static final long PRUNE_PERIOD_MILLIS = 60_000;
    private static final Logger log = LoggerFactory.getLogger(RecordWriter.class);

    private final InvocationStore store;
    private final int maxPerFunction;
    private final long maxAgeMillis;
    private final LongSupplier clock;
    private final BlockingQueue<InvocationRecord> buffer = new ArrayBlockingQueue<>(BUFFER_RECORDS);
    private final AtomicLong dropped = new AtomicLong();
    private long droppedReported;
    private long lastPrune;
    private volatile Thread thread;

    RecordWriter(InvocationStore store, int maxPerFunction, long maxAgeMillis, LongSupplier clock) {
        this.store = store;
        this.maxPerFunction = maxPerFunction;
        this.maxAgeMillis = maxAgeMillis;
        this.clock = clock;
    }

    @Override
    public void onCalls(List<InvocationRecord> records) {
        for (InvocationRecord record : records) {
            if (!buffer.offer(record)) {
                dropped.incrementAndGet();
            }
        }
    }

    /** Records dropped because the writer fell behind. */
    long dropped() {
        return dropped.get();
    }

    private void run() {
        lastPrune = clock.getAsLong();
        prune(); // a restart after a long pause finds old records
        while (thread != null || !buffer.isEmpty()) {
            try {
                InvocationRecord first = buffer.poll(500, TimeUnit.MILLISECONDS);
                if (first != null) {
                    writeWith(first);
                }
            } catch (InterruptedException e) {
                writeRest();
                return;
            }
            if (clock.getAsLong() - lastPrune >= PRUNE_PERIOD_MILLIS) {
                lastPrune = clock.getAsLong();
                prune();
            }
        }
    }

    /** Writes {@code first} and whatever else is buffered (up to a batch). */
    void writeWith(InvocationRecord first) {
        List<InvocationRecord> batch = new ArrayList<>();
        batch.add(first);
        buffer.drainTo(batch, MAX_BATCH - 1);
        try {
            store.insert(batch);
        } catch (SQLException e) {
            log.warn("cannot store {} invocation records: {}", batch.size(), e.toString());
        }
        reportDrops();
    }

    private void writeRest() {
        InvocationRecord next;
        while ((next = buffer.poll()) != null) {
            writeWith(next);
        }
    }

    void prune() {
        try {
            int n = store.prune(clock.getAsLong() - maxAgeMillis, maxPerFunction);
            log.debug("pruned {} invocation records", n);
        } catch (SQLException e) {
            log.warn("cannot prune the invocation records: {}", e.toString());
        }
    }

    private void reportDrops() {
        long now = dropped.get();
        if (now != droppedReported) {
            log.warn("{} invocation records dropped: the record store fell behind", now - droppedReported);
            droppedReported = now;
        }
    }

    @Override
    public void start() {
        Thread t = new Thread(this::run, "invocation-store");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** Writes what is buffered, then stops; after {@code CallRecords} (lower phase), which delivers its queue first. */
    @Override
    public void stop() {
        Thread t = thread;
        thread = null;
        if (t != null) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return thread != null;
    }

    @Override
    public int getPhase() {
        return 30;
    }
}
