package org.faasj.controlplane.invocations;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
 * buffer (full: the records are dropped and counted), so a slow disk or store never holds up the
 * logs or the statistics. Whatever has gathered is inserted in one transaction; pruning runs every
 * {@value #PRUNE_PERIOD_MILLIS} ms rather than per insert, so a function may briefly hold more than its cap.
 *
 * <p>A store that cannot be reached (cluster mode) is an outage, not a bad batch: the batch is kept
 * and tried again every {@value #RETRY_MILLIS} ms while the buffer fills, and what it cannot hold is
 * dropped and counted. The outage is logged when it begins and when it ends, never per batch.
 */
public final class RecordWriter implements CallListener, SmartLifecycle {

    static final int BUFFER_RECORDS = 10_000;
    static final int MAX_BATCH = 1_000;
    static final long PRUNE_PERIOD_MILLIS = 60_000;
    static final long RETRY_MILLIS = 1_000;
    private static final Logger log = LoggerFactory.getLogger(RecordWriter.class);

    private final RecordStore store;
    private final int maxPerFunction;
    private final long maxAgeMillis;
    private final long lingerMillis;
    private final LongSupplier clock;
    private final BlockingQueue<InvocationRecord> buffer = new ArrayBlockingQueue<>(BUFFER_RECORDS);
    private final AtomicLong dropped = new AtomicLong();
    /** Functions inserted since the last prune: only their counts can have grown through this node. */
    private final Set<String> written = new HashSet<>();
    private boolean prunedOnce;
    /** A batch the store did not take because it could not be reached; written before anything newer. */
    private List<InvocationRecord> pending;
    private volatile boolean outage;
    private long droppedReported;
    private long lastPrune;
    private volatile Thread thread;

    RecordWriter(RecordStore store, int maxPerFunction, long maxAgeMillis, LongSupplier clock) {
        this(store, maxPerFunction, maxAgeMillis, 0, clock);
    }

    /**
     * @param lingerMillis how long a batch gathers after its first record before it is written; 0
     *                     writes at once. A shared store takes every node's commits, and without a
     *                     pause a node at moderate traffic commits once per record.
     */
    RecordWriter(RecordStore store, int maxPerFunction, long maxAgeMillis, long lingerMillis, LongSupplier clock) {
        this.store = store;
        this.maxPerFunction = maxPerFunction;
        this.maxAgeMillis = maxAgeMillis;
        this.lingerMillis = lingerMillis;
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

    /** Records lost on the way to the store: the buffer was full, or the store refused or could not take them. */
    public long dropped() {
        return dropped.get();
    }

    /** Whether the store was found unreachable (by an insert or a prune) and has not taken a write since. */
    boolean inOutage() {
        return outage;
    }

    private void run() {
        lastPrune = clock.getAsLong();
        prune(); // a restart after a long pause finds old records
        while (thread != null || !buffer.isEmpty() || pending != null) {
            try {
                if (pending == null) {
                    InvocationRecord first = buffer.poll(500, TimeUnit.MILLISECONDS);
                    if (first != null) {
                        linger();
                        pending = batchWith(first);
                    }
                }
                if (pending != null && !writePending()) {
                    if (thread == null) {
                        dropAtStop();
                        return;
                    }
                    Thread.sleep(RETRY_MILLIS);
                }
            } catch (InterruptedException e) {
                writeRest();
                return;
            }
            if (pending == null && clock.getAsLong() - lastPrune >= PRUNE_PERIOD_MILLIS) {
                lastPrune = clock.getAsLong();
                prune();
            }
        }
    }

    /** Lets a batch gather; not when stopping. An interrupt is kept for the next poll, which then writes the rest. */
    private void linger() {
        if (lingerMillis > 0 && thread != null && buffer.size() < MAX_BATCH - 1) {
            try {
                Thread.sleep(lingerMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@code first} and whatever else is buffered, up to a batch. */
    private List<InvocationRecord> batchWith(InvocationRecord first) {
        List<InvocationRecord> batch = new ArrayList<>();
        batch.add(first);
        buffer.drainTo(batch, MAX_BATCH - 1);
        return batch;
    }

    /** Writes {@code first} and whatever else is buffered (up to a batch), once. */
    void writeWith(InvocationRecord first) {
        pending = batchWith(first);
        writePending();
    }

    /**
     * Inserts the pending batch. True when it is done with: stored, or refused by a store that
     * answers (a bad batch is dropped and counted, never retried). False when the store cannot be
     * reached: the batch stays pending.
     */
    boolean writePending() {
        try {
            store.insert(pending);
        } catch (SQLException e) {
            if (!store.reachable()) {
                beginOutage(e);
                return false;
            }
            log.warn("cannot store {} invocation records: {}", pending.size(), e.toString());
            dropped.addAndGet(pending.size());
            pending = null;
            return true;
        }
        pending.forEach(r -> written.add(r.functionName()));
        pending = null;
        endOutage();
        reportDrops();
        return true;
    }

    private void beginOutage(SQLException e) {
        if (!outage) {
            outage = true;
            log.warn("Cannot store invocation records, the store is unreachable ({}): keeping up to {} in memory,"
                    + " dropping and counting the rest until it is back", e.toString(), BUFFER_RECORDS);
        }
    }

    private void endOutage() {
        if (outage) {
            outage = false;
            long now = dropped.get();
            log.info("Storing invocation records again; {} dropped while the store was unreachable", now - droppedReported);
            droppedReported = now;
        }
    }

    private void writeRest() {
        while (true) {
            if (pending == null) {
                InvocationRecord next = buffer.poll();
                if (next == null) {
                    return;
                }
                pending = batchWith(next);
            }
            if (!writePending()) {
                dropAtStop();
                return;
            }
        }
    }

    /** Stopping with the store unreachable: waiting for it would hold the shutdown up. */
    private void dropAtStop() {
        long lost = pending == null ? 0 : pending.size();
        pending = null;
        List<InvocationRecord> rest = new ArrayList<>();
        buffer.drainTo(rest);
        lost += rest.size();
        dropped.addAndGet(lost);
        log.warn("{} invocation records dropped at shutdown: the store is unreachable", lost);
    }

    void prune() {
        try {
            int n = store.prune(clock.getAsLong() - maxAgeMillis, maxPerFunction, prunedOnce ? Set.copyOf(written) : null);
            written.clear();
            prunedOnce = true;
            endOutage();
            log.debug("pruned {} invocation records", n);
        } catch (SQLException e) {
            if (store.reachable()) {
                log.warn("cannot prune the invocation records: {}", e.toString());
            } else {
                beginOutage(e); // logged once, like a failed insert; a quiet node finds it here first
            }
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
