package org.faasj.worker.handler;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The handler processes of one function version on this worker. Each process serves one call at a
 * time; at most {@code maxSize} are alive (idle, busy or starting). A call takes the most recently
 * used idle process (its pages are warmest; the others age out), else starts one while below the
 * cap, else waits for one, at most its timeout. A process goes after {@code maxCalls} calls, after
 * {@code idle} without a call, when its caller says it is not reusable (it failed, timed out, grew
 * past its memory), or once the pool is drained (its function was redeployed).
 *
 * @param <M> the process; a fake one in tests
 */
final class HandlerPool<M extends HandlerPool.Member> {

    /** A pooled process as the pool sees it. */
    interface Member {
        boolean isAlive();

        /** Stops it (kills it and everything it started) and drops its files; called once. */
        void destroy();
    }

    /** Starts a new process for this pool. */
    interface Starter<M> {
        M start() throws IOException;
    }

    /** A process lent to one call; give it back with {@link #release}. */
    static final class Lease<M> {
        final M member;
        /** This call started the process (its first call). */
        boolean cold;
        private int calls;
        private long idleSince;

        private Lease(M member, boolean cold) {
            this.member = member;
            this.cold = cold;
        }

        /** Calls it served before this one. */
        int callsBefore() {
            return calls;
        }
    }

    private final String function;
    private final int version;
    private final int maxSize;
    private final int maxCalls;
    private final long idleNanos;
    private final LongSupplier clock;
    private final ReentrantLock lock = new ReentrantLock();
    /** Last released first. */
    private final Deque<Lease<M>> idle = new ArrayDeque<>();
    /** Calls waiting for a process, first come first served. */
    private final Deque<Waiter<M>> waiters = new ArrayDeque<>();
    private int live;
    private boolean drained;

    HandlerPool(String function, int version, int maxSize, int maxCalls, long idleNanos, LongSupplier clock) {
        this.function = function;
        this.version = version;
        this.maxSize = Math.max(1, maxSize);
        this.maxCalls = Math.max(1, maxCalls);
        this.idleNanos = idleNanos;
        this.clock = clock;
    }

    String function() {
        return function;
    }

    int version() {
        return version;
    }

    /** A call waiting for a process: handed one directly, or the right to start one, in arrival order. */
    private static final class Waiter<M> {
        final Condition ready;
        Lease<M> granted;
        boolean mayStart;

        Waiter(Condition ready) {
            this.ready = ready;
        }
    }

    /**
     * An idle process, or a new one from {@code starter}; null when none came free within
     * {@code timeoutNanos}. Waiting calls are served first come, first served: a released process
     * goes straight to the longest waiter, so a newcomer can never take it first (with a plain
     * lock and condition, calls arriving under load could overtake a woken waiter again and again).
     */
    Lease<M> acquire(Starter<M> starter, long timeoutNanos) throws IOException, InterruptedException {
        List<M> dead = new ArrayList<>(0);
        lock.lock();
        try {
            if (waiters.isEmpty()) {
                Lease<M> ready = takeIdle(dead);
                if (ready != null) {
                    return ready;
                }
                if (live < maxSize) {
                    live++;
                    return startOutsideLock(starter);
                }
            }
            Waiter<M> served = await(timeoutNanos);
            if (served == null) {
                return null;
            }
            if (served.granted != null) {
                served.granted.cold = false;
                return served.granted;
            }
            return startOutsideLock(starter);
        } finally {
            if (lock.isHeldByCurrentThread()) {
                lock.unlock();
            }
            dead.forEach(Member::destroy);
        }
    }

    /** Waits in line; itself once given a process or the right to start one, null after the timeout. */
    private Waiter<M> await(long timeoutNanos) throws InterruptedException {
        if (timeoutNanos <= 0) {
            return null;
        }
        Waiter<M> me = new Waiter<>(lock.newCondition());
        waiters.addLast(me);
        long left = timeoutNanos;
        try {
            while (me.granted == null && !me.mayStart && left > 0) {
                left = me.ready.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            giveUp(me);
            throw e;
        }
        if (me.granted == null && !me.mayStart) {
            waiters.remove(me);
            return null;
        }
        return me;
    }

    /** An interrupted waiter passes on whatever it was given meanwhile. */
    private void giveUp(Waiter<M> me) {
        if (!waiters.remove(me)) {
            if (me.granted != null) {
                handOver(me.granted);
            } else if (me.mayStart) {
                passSlot();
            }
        }
    }

    /** Called with the lock held; unlocks it, since a start takes tens of milliseconds. */
    private Lease<M> startOutsideLock(Starter<M> starter) throws IOException {
        lock.unlock();
        return startOne(starter);
    }

    private Lease<M> takeIdle(List<M> dead) {
        Lease<M> ready;
        while ((ready = idle.pollFirst()) != null) {
            if (ready.member.isAlive()) {
                ready.cold = false;
                return ready;
            }
            live--;
            dead.add(ready.member);
        }
        return null;
    }

    private Lease<M> startOne(Starter<M> starter) throws IOException {
        boolean started = false;
        try {
            M member = starter.start();
            started = true;
            return new Lease<>(member, true);
        } finally {
            if (!started) {
                gone();
            }
        }
    }

    /** Gives a process back after its call; {@code reusable} false retires it. */
    void release(Lease<M> lease, boolean reusable) {
        boolean keep;
        lock.lock();
        try {
            lease.calls++;
            keep = reusable && !drained && lease.calls < maxCalls && lease.member.isAlive();
            if (keep) {
                lease.idleSince = clock.getAsLong();
                handOver(lease);
            }
        } finally {
            lock.unlock();
        }
        if (!keep) {
            lease.member.destroy();
            gone();
        }
    }

    /** With the lock held: to the longest waiter, else to the idle ones. */
    private void handOver(Lease<M> lease) {
        Waiter<M> next = waiters.pollFirst();
        if (next != null) {
            next.granted = lease;
            next.ready.signal();
        } else {
            idle.addFirst(lease);
        }
    }

    /** A process is gone: its place goes to the longest waiter, who starts one, else it is free. */
    private void gone() {
        lock.lock();
        try {
            passSlot();
        } finally {
            lock.unlock();
        }
    }

    private void passSlot() {
        Waiter<M> next = waiters.pollFirst();
        if (next != null) {
            next.mayStart = true; // the place changes hands: live stays as it is
            next.ready.signal();
        } else {
            live--;
        }
    }

    /** Stops the processes idle for longer than the idle time; returns how many. */
    int reapIdle() {
        long now = clock.getAsLong();
        List<M> expired = new ArrayList<>();
        lock.lock();
        try {
            for (Iterator<Lease<M>> it = idle.descendingIterator(); it.hasNext(); ) {
                Lease<M> lease = it.next();
                if (now - lease.idleSince >= idleNanos || !lease.member.isAlive()) {
                    it.remove();
                    live--;
                    expired.add(lease.member);
                }
            }
        } finally {
            lock.unlock();
        }
        expired.forEach(Member::destroy);
        return expired.size();
    }

    /** A newer version took over: idle processes stop now, busy ones after their call. */
    void drain() {
        List<M> stopping = new ArrayList<>();
        lock.lock();
        try {
            drained = true;
            for (Lease<M> lease : idle) {
                stopping.add(lease.member);
            }
            live -= idle.size();
            idle.clear();
        } finally {
            lock.unlock();
        }
        stopping.forEach(Member::destroy);
    }

    /** Processes alive now: idle, busy or starting. */
    int live() {
        lock.lock();
        try {
            return live;
        } finally {
            lock.unlock();
        }
    }

    /** Calls waiting in line now (tests). */
    int waiting() {
        lock.lock();
        try {
            return waiters.size();
        } finally {
            lock.unlock();
        }
    }

    int idle() {
        lock.lock();
        try {
            return idle.size();
        } finally {
            lock.unlock();
        }
    }

    static long nanos(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
