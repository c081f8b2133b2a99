package org.faasj.worker.exec.process;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongPredicate;

/**
 * Admission for function processes, so that no more of them compete for the cores than the cores
 * can run. Starting an interpreter is pure CPU work (about 10 ms for {@code php ping.php}), and
 * many at once slow each other down: on 2 cores, 16 PHP starts in parallel made ~10% fewer starts
 * per second than 2 in parallel, and the platform at 16 connections ran at ~80% of the bare-start
 * ceiling until its processes were admitted a few at a time (~90%).
 *
 * <p>A pass belongs to a process while it is on a CPU. A process seen doing anything else
 * (sleeping on the network or a timer, waiting for stdin, stopped, exited) loses its pass, so a
 * slow but idle function never holds others up: while anyone waits, a watcher thread looks every
 * {@code checkInterval} at the state in /proc of the holders that have had their pass at least
 * that long (most processes are done before, and are never looked at). Requests queue in
 * arrival order. Warm-pool starts hold no place but only happen while no request queues: below
 * saturation the pool works as without the gate, under saturation every call starts cold. A
 * request that waits longer than its limit runs without a pass: the gate shapes load, it never
 * fails a call.
 */
public final class CpuGate implements AutoCloseable {

    /** A permission to run; {@link #release()} is idempotent and also done by the watcher. */
    public final class Pass {
        private final boolean counted;
        private volatile long pid;
        private volatile long attachedNanos;
        private boolean released; // guarded by lock

        private Pass(boolean counted) {
            this.counted = counted;
        }

        /** The process that now owns this pass, watched from here on. */
        public void attach(long processId) {
            this.attachedNanos = System.nanoTime();
            this.pid = processId;
        }

        /** Whether this pass still holds one of the gate's places. */
        public boolean holding() {
            synchronized (lock) {
                return counted && !released;
            }
        }

        public void release() {
            if (counted) {
                giveBack(this);
            }
        }
    }

    /** A request waiting in line; {@code granted} is set, under the lock, by whoever frees a place. */
    private static final class Waiter {
        final Thread thread;
        Pass granted;

        Waiter(Thread thread) {
            this.thread = thread;
        }
    }

    private final int capacity;
    private final long checkIntervalMillis;
    private final long checkIntervalNanos;
    private final LongPredicate onCpu;
    private final Object lock = new Object();
    private final Deque<Waiter> requests = new ArrayDeque<>();
    private final Set<Pass> held = new HashSet<>();
    private final Thread watcher;
    private boolean closed;

    /**
     * @param capacity       processes this gate lets run at once
     * @param checkIntervalMillis how often holders are looked at while someone waits, and how long
     *                       a process runs before it is looked at
     * @param onCpu          whether a process is running or runnable now (a dead one is not)
     */
    public CpuGate(int capacity, long checkIntervalMillis, LongPredicate onCpu) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
        this.checkIntervalMillis = checkIntervalMillis;
        this.checkIntervalNanos = TimeUnit.MILLISECONDS.toNanos(checkIntervalMillis);
        this.onCpu = onCpu;
        this.watcher = new Thread(this::watch, "cpu-gate");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** A gate over real processes, checked through /proc every 10 ms while anyone waits. */
    public static CpuGate forProcesses(int capacity) {
        return new CpuGate(capacity, 10, ProcessState::onCpu);
    }

    /**
     * A pass for a request's process, in arrival order; after {@code maxWaitMillis} a pass that
     * holds no place (the request runs anyway).
     */
    public Pass forRequest(long maxWaitMillis) throws InterruptedException {
        Waiter me;
        synchronized (lock) {
            if (requests.isEmpty() && held.size() < capacity) {
                return grant();
            }
            me = new Waiter(Thread.currentThread());
            requests.addLast(me);
            lock.notifyAll(); // the watcher starts looking
        }
        // a place is handed to the head of the queue directly: only that thread wakes up
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxWaitMillis);
        while (true) {
            synchronized (lock) {
                if (me.granted != null) {
                    return me.granted;
                }
                boolean interrupted = Thread.interrupted();
                if (interrupted || closed || deadline - System.nanoTime() <= 0) {
                    requests.remove(me);
                    if (requests.isEmpty()) {
                        lock.notifyAll(); // refills waiting for the queue to empty
                    }
                    if (interrupted) {
                        throw new InterruptedException();
                    }
                    return unlimited();
                }
            }
            LockSupport.parkNanos(this, deadline - System.nanoTime());
        }
    }

    /** A pass that holds no place, for processes the gate does not govern. */
    public Pass unlimited() {
        return new Pass(false);
    }

    /**
     * Whether a warm process may be started now: when no request waits for a place, waiting at
     * most {@code maxWaitMillis} for the queue to empty. Warm starts hold no place; while requests
     * queue the cores are busy, a warm start would only delay them, and every call starting cold
     * costs the same CPU.
     */
    public boolean forRefill(long maxWaitMillis) throws InterruptedException {
        synchronized (lock) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxWaitMillis);
            while (!requests.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return !closed;
        }
    }

    /** Passes holding a place now. */
    public int inUse() {
        synchronized (lock) {
            return held.size();
        }
    }

    /** Requests waiting for a place now. */
    public int waiting() {
        synchronized (lock) {
            return requests.size();
        }
    }

    private Pass grant() {
        Pass pass = new Pass(true);
        held.add(pass);
        return pass;
    }

    private void giveBack(Pass pass) {
        synchronized (lock) {
            if (pass.released) {
                return;
            }
            pass.released = true;
            held.remove(pass);
            while (held.size() < capacity && !requests.isEmpty()) {
                Waiter next = requests.pollFirst();
                next.granted = grant();
                LockSupport.unpark(next.thread);
            }
            if (requests.isEmpty()) {
                lock.notifyAll(); // refills waiting for the queue to empty
            }
        }
    }

    private void watch() {
        try {
            while (true) {
                List<Pass> holders = holdersWhileSomeoneWaits();
                long now = System.nanoTime();
                for (Pass pass : holders) {
                    long pid = pass.pid;
                    if (pid > 0 && now - pass.attachedNanos >= checkIntervalNanos && !onCpu.test(pid)) {
                        giveBack(pass);
                    }
                }
                Thread.sleep(checkIntervalMillis);
            }
        } catch (InterruptedException closing) {
            // the gate is closed
        }
    }

    private List<Pass> holdersWhileSomeoneWaits() throws InterruptedException {
        synchronized (lock) {
            while (requests.isEmpty()) {
                if (closed) {
                    throw new InterruptedException();
                }
                lock.wait();
            }
            return new ArrayList<>(held);
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            requests.forEach(waiting -> LockSupport.unpark(waiting.thread));
            lock.notifyAll();
        }
        watcher.interrupt();
    }
}
