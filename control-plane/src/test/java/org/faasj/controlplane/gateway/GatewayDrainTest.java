package org.faasj.controlplane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class GatewayDrainTest {

    /** A loop whose open calls finish one per count. */
    private static final class FakeLoop implements GatewayDrain.Loop {
        final AtomicInteger open;
        volatile boolean draining;
        final AtomicInteger asked = new AtomicInteger();

        FakeLoop(int open) {
            this.open = new AtomicInteger(open);
        }

        @Override
        public void startDrain() {
            draining = true;
        }

        @Override
        public CompletableFuture<Integer> openCalls() {
            asked.incrementAndGet();
            return CompletableFuture.completedFuture(open.get() > 0 ? open.getAndDecrement() : 0);
        }
    }

    /** A loop that never answers (its thread is stuck or gone). */
    private static final class DeadLoop implements GatewayDrain.Loop {
        @Override
        public void startDrain() {
        }

        @Override
        public CompletableFuture<Integer> openCalls() {
            return new CompletableFuture<>();
        }
    }

    @Test
    void waitsUntilEveryLoopIsQuietAndTellsTheWorkers() {
        FakeLoop a = new FakeLoop(3);
        FakeLoop b = new FakeLoop(0);
        AtomicInteger announced = new AtomicInteger();
        new GatewayDrain(new GatewayDrain.Loop[] {a, b}, Duration.ofSeconds(30), announced::incrementAndGet).run();
        assertThat(a.draining).isTrue();
        assertThat(b.draining).isTrue();
        assertThat(announced).hasValue(1);
        assertThat(a.open).hasValue(0);
        assertThat(a.asked.get()).isGreaterThanOrEqualTo(4); // 3, 2, 1, then 0 open calls
    }

    @Test
    void returnsAfterTheGraceWhenCallsStayOpen() {
        FakeLoop stuck = new FakeLoop(1_000_000);
        long started = System.nanoTime();
        new GatewayDrain(new GatewayDrain.Loop[] {stuck, new DeadLoop()}, Duration.ofMillis(300), () -> { }).run();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(millis).isGreaterThanOrEqualTo(300).isLessThan(10_000);
        assertThat(stuck.asked.get()).isGreaterThan(0);
    }

    @Test
    void noOpenCallsMeansNoWait() {
        long started = System.nanoTime();
        new GatewayDrain(new GatewayDrain.Loop[] {new FakeLoop(0)}, Duration.ofSeconds(30), () -> { }).run();
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(10);
    }
}
