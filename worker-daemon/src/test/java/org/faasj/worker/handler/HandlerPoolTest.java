package org.faasj.worker.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class HandlerPoolTest {

    static final class Fake implements HandlerPool.Member {
        final int id;
        boolean alive = true;
        boolean destroyed;

        Fake(int id) {
            this.id = id;
        }

        @Override
        public boolean isAlive() {
            return alive;
        }

        @Override
        public void destroy() {
            destroyed = true;
            alive = false;
        }
    }

    private final AtomicLong clock = new AtomicLong();
    private final List<Fake> started = new ArrayList<>();
    private final HandlerPool.Starter<Fake> starter = () -> {
        Fake f = new Fake(started.size());
        started.add(f);
        return f;
    };

    private HandlerPool<Fake> pool(int size, int maxCalls) {
        return new HandlerPool<>("f", 1, size, maxCalls, 1_000, clock::get);
    }

    @Test
    void aReleasedProcessServesTheNextCallWarm() throws Exception {
        HandlerPool<Fake> pool = pool(2, 100);
        HandlerPool.Lease<Fake> first = pool.acquire(starter, 0);
        assertTrue(first.cold);
        pool.release(first, true);
        HandlerPool.Lease<Fake> second = pool.acquire(starter, 0);
        assertFalse(second.cold);
        assertSame(first.member, second.member);
        assertEquals(1, second.callsBefore());
        assertEquals(1, started.size());
    }

    @Test
    void atItsSizeACallWaitsForAReleaseAndGivesUpAfterItsTimeout() throws Exception {
        HandlerPool<Fake> pool = pool(1, 100);
        HandlerPool.Lease<Fake> busy = pool.acquire(starter, 0);
        assertNull(pool.acquire(starter, TimeUnit.MILLISECONDS.toNanos(20)), "none came free");

        CompletableFuture<HandlerPool.Lease<Fake>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return pool.acquire(starter, TimeUnit.SECONDS.toNanos(30));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        pool.release(busy, true);
        assertSame(busy.member, waiting.get(30, TimeUnit.SECONDS).member);
        assertEquals(1, started.size());
    }

    @Test
    void aProcessIsReplacedAfterMaxCalls() throws Exception {
        HandlerPool<Fake> pool = pool(1, 2);
        HandlerPool.Lease<Fake> a = pool.acquire(starter, 0);
        pool.release(a, true);
        HandlerPool.Lease<Fake> b = pool.acquire(starter, 0);
        pool.release(b, true); // its second call: retired
        assertTrue(a.member.destroyed);
        HandlerPool.Lease<Fake> c = pool.acquire(starter, 0);
        assertTrue(c.cold);
        assertNotSame(a.member, c.member);
    }

    @Test
    void aFailedOrDeadProcessIsNotReused() throws Exception {
        HandlerPool<Fake> pool = pool(2, 100);
        HandlerPool.Lease<Fake> a = pool.acquire(starter, 0);
        pool.release(a, false);
        assertTrue(a.member.destroyed);
        assertEquals(0, pool.live());

        HandlerPool.Lease<Fake> b = pool.acquire(starter, 0);
        pool.release(b, true);
        b.member.alive = false; // died while idle
        HandlerPool.Lease<Fake> c = pool.acquire(starter, 0);
        assertTrue(c.cold);
        assertTrue(b.member.destroyed);
        assertEquals(1, pool.live());
    }

    @Test
    void idleProcessesPastTheIdleTimeAreStopped() throws Exception {
        HandlerPool<Fake> pool = pool(2, 100);
        HandlerPool.Lease<Fake> a = pool.acquire(starter, 0);
        HandlerPool.Lease<Fake> b = pool.acquire(starter, 0);
        pool.release(a, true);
        clock.set(600);
        pool.release(b, true);
        clock.set(1_100);
        assertEquals(1, pool.reapIdle(), "only the one idle for 1,100 ns");
        assertTrue(a.member.destroyed);
        assertFalse(b.member.destroyed);
        assertEquals(1, pool.live());
    }

    @Test
    void drainingStopsIdleProcessesNowAndBusyOnesAfterTheirCall() throws Exception {
        HandlerPool<Fake> pool = pool(2, 100);
        HandlerPool.Lease<Fake> idle = pool.acquire(starter, 0);
        HandlerPool.Lease<Fake> busy = pool.acquire(starter, 0);
        pool.release(idle, true);
        pool.drain();
        assertTrue(idle.member.destroyed);
        assertFalse(busy.member.destroyed);
        pool.release(busy, true);
        assertTrue(busy.member.destroyed);
        assertEquals(0, pool.live());
    }

    @Test
    void aFailedStartFreesItsPlace() throws Exception {
        HandlerPool<Fake> pool = pool(1, 100);
        assertThrows(IOException.class, () -> pool.acquire(() -> {
            throw new IOException("no fork server");
        }, 0));
        assertEquals(0, pool.live());
        assertTrue(pool.acquire(starter, 0).cold);
    }

    @Test
    void aNewerVersionDrainsTheOlderPool() throws Exception {
        HandlerPools<Fake> pools = new HandlerPools<>(4, 100, 1_000, clock::get);
        HandlerPool<Fake> v1 = pools.poolFor("f", 1, 0);
        assertSame(v1, pools.poolFor("f", 1, 0));
        HandlerPool.Lease<Fake> old = v1.acquire(starter, 0);
        v1.release(old, true);

        HandlerPool<Fake> v2 = pools.poolFor("f", 2, 0);
        assertNotSame(v1, v2);
        assertTrue(old.member.destroyed, "the old version's idle process stops at once");
        assertEquals(List.of(2), pools.versions("f"));
    }

    @Test
    void aLateOldFrameGetsItsOwnPoolAndLeavesTheNewerOneServing() throws Exception {
        HandlerPools<Fake> pools = new HandlerPools<>(4, 100, 1_000, clock::get);
        pools.poolFor("f", 1, 0);
        HandlerPool<Fake> v2 = pools.poolFor("f", 2, 0);
        HandlerPool.Lease<Fake> current = v2.acquire(starter, 0);
        v2.release(current, true);

        HandlerPool<Fake> late = pools.poolFor("f", 1, 0);
        assertNotSame(v2, late);
        HandlerPool.Lease<Fake> once = late.acquire(starter, 0);
        late.release(once, true);
        assertFalse(current.member.destroyed, "the newer version's process keeps serving");
        assertSame(v2, pools.poolFor("f", 2, 0));

        clock.addAndGet(2_000);
        pools.reapIdle();
        assertTrue(once.member.destroyed, "the late frame's process goes at the idle timeout");
        assertEquals(List.of(), pools.versions("f"));
    }

    /** A rollback from v3 to v2 and forward again: each version's frames reuse a pool running that version. */
    @Test
    void aRollbackPoolsTheOlderVersionAndRollingForwardFindsTheNewerPool() throws Exception {
        HandlerPools<Fake> pools = new HandlerPools<>(4, 100, 1_000, clock::get);
        HandlerPool<Fake> v3 = pools.poolFor("f", 3, 0);

        HandlerPool<Fake> v2 = pools.poolFor("f", 2, 0);
        HandlerPool.Lease<Fake> first = v2.acquire(starter, 0);
        v2.release(first, true);
        HandlerPool.Lease<Fake> second = pools.poolFor("f", 2, 0).acquire(starter, 0);
        assertSame(v2, pools.poolFor("f", 2, 0));
        assertSame(first.member, second.member, "the rolled-back version's process is reused, not one per call");
        assertFalse(second.cold);
        v2.release(second, true);

        assertSame(v3, pools.poolFor("f", 3, 0));
        assertEquals(List.of(2, 3), pools.versions("f"));

        HandlerPool<Fake> v4 = pools.poolFor("f", 4, 0);
        assertTrue(first.member.destroyed, "a new deploy drains every older pool");
        assertEquals(List.of(4), pools.versions("f"));
        assertNotSame(v3, v4);
    }

    @Test
    void aPoolForgottenByTheReaperWhileACallHoldsItStopsThatCallsProcess() throws Exception {
        HandlerPools<Fake> pools = new HandlerPools<>(4, 100, 1_000, clock::get);
        HandlerPool<Fake> got = pools.poolFor("f", 1, 0);
        pools.reapIdle(); // empty: forgotten before the call acquires
        HandlerPool.Lease<Fake> lease = got.acquire(starter, 0);
        got.release(lease, true);
        assertTrue(lease.member.destroyed, "no process outlives its pool unseen");
        assertNotSame(got, pools.poolFor("f", 1, 0));
    }

    @Test
    void theDescriptorsConcurrencyBoundsThePoolElseTheSetting() {
        HandlerPools<Fake> pools = new HandlerPools<>(4, 100, 1_000, clock::get);
        assertEquals(4, pools.sizeFor(0));
        assertEquals(2, pools.sizeFor(2));
    }

    @Test
    void twoFunctionsNeverShareAPool() throws Exception {
        HandlerPools<Fake> pools = new HandlerPools<>(4, 100, 1_000, clock::get);
        HandlerPool<Fake> a = pools.poolFor("a", 1, 0);
        HandlerPool<Fake> b = pools.poolFor("b", 1, 0);
        HandlerPool.Lease<Fake> la = a.acquire(starter, 0);
        a.release(la, true);
        HandlerPool.Lease<Fake> lb = b.acquire(starter, 0);
        assertTrue(lb.cold);
        assertNotSame(la.member, lb.member);
    }

    @Test
    void aReleasedProcessGoesToTheLongestWaiterNotToANewcomer() throws Exception {
        HandlerPool<Fake> pool = pool(1, 100);
        HandlerPool.Lease<Fake> busy = pool.acquire(starter, 0);
        CompletableFuture<HandlerPool.Lease<Fake>> first = waitFor(pool);
        awaitWaiters(pool, 1);
        CompletableFuture<HandlerPool.Lease<Fake>> second = waitFor(pool);
        awaitWaiters(pool, 2);

        pool.release(busy, true);
        assertNull(pool.acquire(starter, 0), "a newcomer does not overtake the waiters");
        HandlerPool.Lease<Fake> got = first.get(30, TimeUnit.SECONDS);
        assertSame(busy.member, got.member);
        assertFalse(got.cold);
        assertFalse(second.isDone());

        pool.release(got, false); // retired: its place goes to the next waiter, who starts a process
        HandlerPool.Lease<Fake> fresh = second.get(30, TimeUnit.SECONDS);
        assertTrue(fresh.cold);
        assertEquals(1, pool.live());
    }

    private CompletableFuture<HandlerPool.Lease<Fake>> waitFor(HandlerPool<Fake> pool) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return pool.acquire(starter, TimeUnit.SECONDS.toNanos(30));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    private static void awaitWaiters(HandlerPool<Fake> pool, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pool.waiting() < n) {
            assertTrue(System.nanoTime() < deadline, "waiters in line");
            Thread.sleep(5);
        }
    }
}
