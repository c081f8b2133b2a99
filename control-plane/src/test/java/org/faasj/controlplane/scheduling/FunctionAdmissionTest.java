package org.faasj.controlplane.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.faasj.controlplane.scheduling.FunctionAdmission.Ticket;
import org.faasj.model.FunctionDescriptor;
import org.faasj.model.FunctionRuntime;
import org.junit.jupiter.api.Test;

class FunctionAdmissionTest {

    private final FunctionAdmission admission = new FunctionAdmission(2);
    private final List<String> granted = new ArrayList<>();

    private static FunctionDescriptor fn(String name, int concurrency) {
        return new FunctionDescriptor(name, FunctionRuntime.PHP, "GET", "/" + name, "m", null, 64, 10, 64, 64, null, null, 1,
                concurrency);
    }

    private Ticket admit(FunctionDescriptor f, String label) {
        return admission.admit(f, () -> granted.add(label));
    }

    @Test
    void callsUpToTheLimitRunThenTheQueueFillsThenCallsAreRefused() {
        FunctionDescriptor f = fn("f", 2);
        assertThat(admit(f, "a").state()).isEqualTo(Ticket.State.RUNNING);
        assertThat(admit(f, "b").state()).isEqualTo(Ticket.State.RUNNING);
        assertThat(admit(f, "c").state()).isEqualTo(Ticket.State.WAITING);
        assertThat(admit(f, "d").state()).isEqualTo(Ticket.State.WAITING);
        assertThat(admit(f, "e")).isNull();
        assertThat(admission.running("f")).isEqualTo(2);
        assertThat(admission.waiting("f")).isEqualTo(2);
        assertThat(granted).isEmpty();
    }

    @Test
    void placesGoToWaitersInArrivalOrder() {
        FunctionDescriptor f = fn("f", 1);
        Ticket a = admit(f, "a");
        Ticket b = admit(f, "b");
        Ticket c = admit(f, "c");
        a.end();
        assertThat(granted).containsExactly("b");
        assertThat(b.state()).isEqualTo(Ticket.State.RUNNING);
        assertThat(c.state()).isEqualTo(Ticket.State.WAITING);
        b.end();
        assertThat(granted).containsExactly("b", "c");
        c.end();
        assertThat(admission.running("f")).isZero();
        assertThat(admission.waiting("f")).isZero();
    }

    @Test
    void everyEndPathFreesExactlyOnce() {
        FunctionDescriptor f = fn("f", 1);
        Ticket running = admit(f, "a");
        Ticket waiting = admit(f, "b");
        Ticket alsoWaiting = admit(f, "c");

        // a waiter that gives up leaves the queue and is never granted
        assertThat(waiting.cancel()).isTrue();
        assertThat(waiting.cancel()).isFalse();
        waiting.end();
        assertThat(admission.waiting("f")).isEqualTo(1);

        // ending twice frees one place, not two
        running.end();
        running.end();
        assertThat(granted).containsExactly("c");
        assertThat(admission.running("f")).isEqualTo(1);

        // a granted ticket can no longer be cancelled: its call runs and must end
        assertThat(alsoWaiting.cancel()).isFalse();
        assertThat(admission.running("f")).isEqualTo(1);
        alsoWaiting.end();
        assertThat(admission.running("f")).isZero();
        assertThat(admit(f, "d").state()).isEqualTo(Ticket.State.RUNNING);
    }

    @Test
    void aWaiterEndedWithoutCancelLeavesTheQueue() {
        FunctionDescriptor f = fn("f", 1);
        Ticket a = admit(f, "a");
        Ticket b = admit(f, "b");
        b.end();
        assertThat(admission.waiting("f")).isZero();
        a.end();
        assertThat(granted).isEmpty();
        assertThat(admission.running("f")).isZero();
    }

    @Test
    void aRaisedLimitLetsWaitersInAndALoweredOneHoldsNewCallsBack() {
        Ticket a = admit(fn("f", 1), "a");
        Ticket b = admit(fn("f", 1), "b");
        Ticket c = admit(fn("f", 3), "c"); // redeployed with 3: b and c run
        assertThat(granted).containsExactly("b");
        assertThat(c.state()).isEqualTo(Ticket.State.RUNNING);
        assertThat(admission.running("f")).isEqualTo(3);

        Ticket d = admit(fn("f", 1), "d"); // back to 1: d waits until only... none of the three runs
        assertThat(d.state()).isEqualTo(Ticket.State.WAITING);
        a.end();
        b.end();
        assertThat(d.state()).isEqualTo(Ticket.State.WAITING);
        c.end();
        assertThat(d.state()).isEqualTo(Ticket.State.RUNNING);
        d.end();
        assertThat(admission.running("f")).isZero();
    }

    @Test
    void functionsAreCountedApartAndAZeroQueueRefusesAtOnce() {
        FunctionAdmission noQueue = new FunctionAdmission(0);
        assertThat(noQueue.admit(fn("f", 1), () -> { }).state()).isEqualTo(Ticket.State.RUNNING);
        assertThat(noQueue.admit(fn("g", 1), () -> { }).state()).isEqualTo(Ticket.State.RUNNING);
        assertThat(noQueue.admit(fn("f", 1), () -> { })).isNull();
        assertThatThrownBy(() -> noQueue.admit(fn("h", 0), () -> { })).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FunctionAdmission(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Eight threads admit, wait, cancel and end tickets at random against a limit of 3. The limit is
     * never exceeded, every granted waiter gets its callback once, and nothing is left counted.
     */
    @Test
    void underConcurrentUseTheLimitHoldsAndNoPlaceLeaks() throws Exception {
        FunctionAdmission shared = new FunctionAdmission(5);
        FunctionDescriptor f = fn("f", 3);
        AtomicInteger runningNow = new AtomicInteger();
        AtomicInteger maxSeen = new AtomicInteger();
        ConcurrentLinkedQueue<Ticket> grantedTickets = new ConcurrentLinkedQueue<>();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        CountDownLatch done = new CountDownLatch(8);
        for (int t = 0; t < 8; t++) {
            threads.execute(() -> {
                try {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < 3_000; i++) {
                        Ticket[] holder = new Ticket[1];
                        Ticket ticket = shared.admit(f, () -> grantedTickets.add(holder[0]));
                        holder[0] = ticket;
                        if (ticket == null) {
                            continue;
                        }
                        // a waiter either waits for its place or gives up (losing that race to a grant sometimes)
                        boolean waits = random.nextBoolean();
                        if (ticket.state() == Ticket.State.RUNNING || waits || !ticket.cancel()) {
                            awaitRunning(ticket);
                            maxSeen.accumulateAndGet(runningNow.incrementAndGet(), Math::max);
                            if (random.nextInt(4) == 0) {
                                Thread.yield();
                            }
                            runningNow.decrementAndGet();
                        }
                        ticket.end();
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        threads.shutdown();
        assertThat(maxSeen.get()).isBetween(1, 3);
        assertThat(shared.running("f")).isZero();
        assertThat(shared.waiting("f")).isZero();
        assertThat(grantedTickets).doesNotHaveDuplicates();
    }

    /** A waiter that lost its cancel to a grant runs once the grant has happened. */
    private static void awaitRunning(Ticket ticket) {
        while (ticket.state() == Ticket.State.WAITING) {
            Thread.yield(); // 2 cores, 8 threads: let the holders run
        }
    }
}
