package org.faasj.worker.exec.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The gate's rules, with fake processes whose "on a CPU" state the test decides. */
class CpuGateTest {

    private final Set<Long> sleeping = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private CpuGate gate;

    @AfterEach
    void stop() {
        threads.shutdownNow();
        if (gate != null) {
            gate.close();
        }
    }

    private CpuGate gate(int capacity) {
        gate = new CpuGate(capacity, 2, pid -> !sleeping.contains(pid));
        return gate;
    }

    @Test
    void grantsUpToCapacityThenQueuesRequestsInArrivalOrder() throws Exception {
        gate(2);
        CpuGate.Pass a = gate.forRequest(1_000);
        CpuGate.Pass b = gate.forRequest(1_000);
        assertEquals(2, gate.inUse());

        List<String> order = new CopyOnWriteArrayList<>();
        Future<CpuGate.Pass> first = threads.submit(() -> record(order, "first"));
        awaitTrue(() -> gate.waiting() == 1);
        Future<CpuGate.Pass> second = threads.submit(() -> record(order, "second"));
        awaitTrue(() -> gate.waiting() == 2);

        a.release();
        CpuGate.Pass firstPass = first.get(5, TimeUnit.SECONDS);
        assertTrue(firstPass.holding());
        assertFalse(second.isDone());
        b.release();
        assertTrue(second.get(5, TimeUnit.SECONDS).holding());
        assertEquals(List.of("first", "second"), order);
        assertEquals(2, gate.inUse());
    }

    private CpuGate.Pass record(List<String> order, String name) throws InterruptedException {
        CpuGate.Pass pass = gate.forRequest(10_000);
        order.add(name);
        return pass;
    }

    @Test
    void aHolderSeenOffTheCpuGivesItsPlaceToTheNextInLine() throws Exception {
        gate(1);
        CpuGate.Pass holder = gate.forRequest(1_000);
        holder.attach(42);
        Future<CpuGate.Pass> waiter = threads.submit(() -> gate.forRequest(10_000));
        awaitTrue(() -> gate.waiting() == 1);
        assertFalse(waiter.isDone());

        sleeping.add(42L); // e.g. the function now waits on the network
        assertTrue(waiter.get(5, TimeUnit.SECONDS).holding());
        assertFalse(holder.holding());
        assertEquals(1, gate.inUse());
    }

    @Test
    void aWaiterPastItsLimitRunsWithoutAPlace() throws Exception {
        gate(1);
        CpuGate.Pass busy = gate.forRequest(1_000);
        busy.attach(7); // on a CPU all along: it keeps its place

        CpuGate.Pass late = gate.forRequest(50);
        assertFalse(late.holding());
        late.release(); // a no-op: it never counted
        assertEquals(1, gate.inUse());
        assertEquals(0, gate.waiting());
        assertTrue(busy.holding());
    }

    @Test
    void releasingTwiceFreesOnePlace() throws Exception {
        gate(2);
        CpuGate.Pass a = gate.forRequest(1_000);
        gate.forRequest(1_000);
        a.release();
        a.release();
        assertEquals(1, gate.inUse());
    }

    @Test
    void warmStartsWaitForTheQueueToEmptyAndHoldNoPlace() throws Exception {
        gate(1);
        CpuGate.Pass holder = gate.forRequest(1_000);
        assertTrue(gate.forRefill(10), "nobody queues: a warm start may go even with every place taken");
        Future<CpuGate.Pass> request = threads.submit(() -> gate.forRequest(10_000));
        awaitTrue(() -> gate.waiting() == 1);
        Future<Boolean> refill = threads.submit(() -> gate.forRefill(10_000));
        Thread.sleep(30);
        assertFalse(refill.isDone(), "a request queues: no warm start");

        holder.release();
        assertTrue(request.get(5, TimeUnit.SECONDS).holding());
        assertTrue(refill.get(5, TimeUnit.SECONDS));
        assertEquals(1, gate.inUse());
    }

    @Test
    void aWarmStartThatKeepsFindingAQueueGivesUp() throws Exception {
        gate(1);
        gate.forRequest(1_000).attach(9);
        threads.submit(() -> gate.forRequest(10_000));
        awaitTrue(() -> gate.waiting() == 1);
        assertFalse(gate.forRefill(30));
    }

    @Test
    void anInterruptedWaiterLeavesTheQueue() throws Exception {
        gate(1);
        gate.forRequest(1_000).attach(5);
        Future<CpuGate.Pass> waiter = threads.submit(() -> gate.forRequest(60_000));
        awaitTrue(() -> gate.waiting() == 1);
        waiter.cancel(true);
        awaitTrue(() -> gate.waiting() == 0);
        assertThrows(java.util.concurrent.CancellationException.class, waiter::get);
    }

    @Test
    void closingLetsWaitersThroughWithoutAPlace() throws Exception {
        gate(1);
        gate.forRequest(1_000).attach(3);
        Future<CpuGate.Pass> waiter = threads.submit(() -> gate.forRequest(60_000));
        awaitTrue(() -> gate.waiting() == 1);
        gate.close();
        CpuGate.Pass pass = waiterResult(waiter);
        assertFalse(pass.holding());
    }

    private static CpuGate.Pass waiterResult(Future<CpuGate.Pass> waiter) throws Exception {
        try {
            return waiter.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }

    @Test
    void processStateIsReadAfterTheCommandName() {
        assertEquals('R', ProcessState.stateOf("123 (php) R 1 123 123 0 -1"));
        assertEquals('S', ProcessState.stateOf("123 (a) b) S 1 123"));
        assertEquals('?', ProcessState.stateOf("123 (trunc"));
    }

    @Test
    void aSleepingProcessIsOffTheCpuABusyOneOnItAndAMissingOneOff() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        Process spinner = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
        try {
            awaitTrue(() -> !ProcessState.onCpu(sleeper.pid()));
            awaitTrue(() -> ProcessState.onCpu(spinner.pid()));
        } finally {
            sleeper.destroyForcibly();
            spinner.destroyForcibly();
        }
        spinner.waitFor();
        assertFalse(ProcessState.onCpu(Long.MAX_VALUE));
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(2);
        }
    }
}
