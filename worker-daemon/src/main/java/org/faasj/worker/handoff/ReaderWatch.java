package org.faasj.worker.handoff;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Replaces a hand-off reader that has been busy with one frame for more than {@link #STUCK_NANOS}
 * (a call run on its thread that turned out long), so later frames on its connection wait at most
 * about {@link #STUCK_NANOS} plus one {@link #TICK_MILLIS} (10 ms).
 *
 * <p>Each tick costs the timer thread a wake-up, which under load is mostly a context switch: at
 * 2 ms ticks that was about 6 % of a busy worker's CPU (perf, 4 workers on 2 cores), hence 5 ms.
 *
 * <p>It ticks on the worker's timer only while frames arrive: after {@link #IDLE_NANOS} without one
 * and with no reader busy it stops, and the next frame starts it again. A reader marks itself busy
 * before it asks whether the watch ticks, and the watch stops ticking before it looks at the readers
 * once more, so a reader that became busy just then is seen by one of the two.
 */
final class ReaderWatch {

    /** Far longer than a short in-process call (tens of µs), short against the gateway's 1 s send timeout. */
    static final long STUCK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    static final long TICK_MILLIS = 5;
    static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ScheduledExecutorService timer;
    private final Set<HandoffConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean ticking = new AtomicBoolean();

    ReaderWatch(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    void add(HandoffConnection connection) {
        connections.add(connection);
    }

    void remove(HandoffConnection connection) {
        connections.remove(connection);
    }

    /** A reader has just become busy: make sure the watch ticks. One volatile read when it does. */
    void readerBusy() {
        if (!ticking.get() && ticking.compareAndSet(false, true)) {
            schedule();
        }
    }

    void tick() {
        long now = System.nanoTime();
        boolean active = false;
        for (HandoffConnection connection : connections) {
            connection.replaceReaderIfStuck(now, STUCK_NANOS);
            active |= connection.readerBusy() || now - connection.lastFrameNanos() < IDLE_NANOS;
        }
        if (active) {
            schedule();
            return;
        }
        ticking.set(false);
        for (HandoffConnection connection : connections) {
            if (connection.readerBusy()) {
                readerBusy();
                return;
            }
        }
    }

    private void schedule() {
        try {
            timer.schedule(this::tick, TICK_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            ticking.set(false);
        }
    }

    boolean ticking() {
        return ticking.get();
    }
}
