package org.faasj.worker.exec.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.faasj.worker.spawn.SpawnRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PHP processes started ahead of their request: each waits in the prelude for its request's
 * environment on descriptor 3, so a call pays the pipe I/O and not the interpreter's start
 * (~10.5 ms of CPU for {@code php ping.php} on our 2-core machines, ~19 ms wall with exec).
 *
 * <p>Every process still serves exactly one request. Processes are kept per launch request (the
 * same argv and exec environment: module, version, memory limit, descriptor env), only for
 * functions that were called (the first call starts the first one), and refilled after each
 * take by one background thread. Bounded per function and in total; a process nobody took for
 * {@code idleMillis} is killed, and so is one whose module file changed since it started.
 */
public final class WarmPool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WarmPool.class);

    private record Ready(FunctionProcess process, ModuleStamp stamp, long startedNanos) {
    }

    /** The ready processes of one launch request, and whether a refill for it is queued. */
    private static final class Slot {
        final Deque<Ready> ready = new ArrayDeque<>();
        final AtomicBoolean refilling = new AtomicBoolean();
    }

    /** How long a refill waits for the gate's queue to empty before it gives up until the next take. */
    static final long REFILL_WAIT_MILLIS = 1_000;

    private final ProcessStarter starter;
    private final CpuGate gate;
    private final Path stderrDir;
    private final WarmPoolSettings settings;
    private final Executor refiller;
    /** Never shrinks: one small entry per function version that was ever called on this worker. */
    private final Map<SpawnRequest, Slot> slots = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final AtomicLong stderrNames = new AtomicLong();
    private volatile boolean closed;

    public WarmPool(ProcessStarter starter, CpuGate gate, Path stderrDir, WarmPoolSettings settings,
                    Executor refiller) throws IOException {
        this.starter = starter;
        this.gate = gate;
        this.stderrDir = Files.createDirectories(stderrDir);
        this.settings = settings;
        this.refiller = refiller;
    }

    /**
     * A ready process for {@code request} started from the module as it is now ({@code stamp}),
     * or null; either way a refill for it is queued.
     */
    FunctionProcess take(SpawnRequest request, ModuleStamp stamp) {
        Slot slot = slots.computeIfAbsent(request, r -> new Slot());
        FunctionProcess found = takeLive(slot, stamp);
        refillLater(request, slot, stamp);
        return found;
    }

    private FunctionProcess takeLive(Slot slot, ModuleStamp stamp) {
        while (true) {
            Ready next;
            synchronized (slot) {
                next = slot.ready.pollFirst();
            }
            if (next == null) {
                return null;
            }
            total.decrementAndGet();
            if (!next.stamp().equals(stamp)) {
                discard(next);
                discardAll(slot); // started from the old module too
            } else if (next.process().process().isAlive()) {
                return next.process();
            } else {
                discard(next); // died while waiting (killed from outside, out of memory): start cold
            }
        }
    }

    private void refillLater(SpawnRequest request, Slot slot, ModuleStamp stamp) {
        if (!closed && slot.refilling.compareAndSet(false, true)) {
            refiller.execute(() -> {
                try {
                    fill(request, slot, stamp);
                } finally {
                    slot.refilling.set(false);
                }
            });
        }
    }

    /**
     * Starts processes until the function has its share, only while no request queues at the
     * gate: then the cores are busy, and a warm start would only delay those requests.
     */
    private void fill(SpawnRequest request, Slot slot, ModuleStamp stamp) {
        while (!closed && size(slot) < settings.perFunction() && reserveOne()) {
            if (!spareCpu()) {
                total.decrementAndGet();
                return;
            }
            try {
                Path stderr = stderrDir.resolve("stderr-" + stderrNames.incrementAndGet());
                FunctionProcess process = starter.start(request, stderr, true);
                synchronized (slot) {
                    slot.ready.addLast(new Ready(process, stamp, System.nanoTime()));
                }
            } catch (IOException e) {
                total.decrementAndGet();
                log.debug("warm start of {} failed: {}", request.argv(), e.toString());
                return;
            }
        }
    }

    private boolean spareCpu() {
        try {
            return gate.forRefill(REFILL_WAIT_MILLIS);
        } catch (InterruptedException shuttingDown) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean reserveOne() {
        while (true) {
            int now = total.get();
            if (now >= settings.total()) {
                return false;
            }
            if (total.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    private static int size(Slot slot) {
        synchronized (slot) {
            return slot.ready.size();
        }
    }

    /** Kills ready processes older than the idle limit; run periodically. */
    public void reapIdle() {
        long cutoff = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(settings.idleMillis());
        for (Slot slot : slots.values()) {
            List<Ready> expired = new ArrayList<>();
            synchronized (slot) {
                slot.ready.removeIf(r -> r.startedNanos() - cutoff < 0 && expired.add(r));
            }
            total.addAndGet(-expired.size());
            expired.forEach(this::discard);
        }
    }

    /** Ready processes now, over all functions. */
    public int size() {
        return total.get();
    }

    private void discardAll(Slot slot) {
        List<Ready> all;
        synchronized (slot) {
            all = new ArrayList<>(slot.ready);
            slot.ready.clear();
        }
        total.addAndGet(-all.size());
        all.forEach(this::discard);
    }

    /**
     * Kill first, close the pipes only once it is reaped: a PHP process whose descriptor 3 closed
     * would run its script with an empty request.
     */
    private void discard(Ready ready) {
        FunctionProcess process = ready.process();
        starter.kill(process.process().pid());
        process.process().exit().whenComplete((code, lost) -> process.release(false));
    }

    @Override
    public void close() {
        closed = true;
        slots.values().forEach(this::discardAll);
    }
}
