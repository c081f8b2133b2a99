package org.faasj.controlplane.gateway;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's part of a graceful shutdown (SIGTERM): after the listener is closed, every event
 * loop closes its idle keep-alive connections and stops keeping connections alive, and this waits
 * until no call is left in flight, parked for a concurrency place or half-sent, or until
 * {@code faas.shutdown.grace} is over. The workers are told too, so that the calls they run now
 * answer {@code Connection: close}. Only then do the loops stop (cutting what is left) and,
 * in a later lifecycle phase, the workers and their functions.
 *
 * <p>Readiness needs nothing here: Spring publishes {@code REFUSING_TRAFFIC} as soon as the context
 * starts closing, before any lifecycle bean stops.
 */
final class GatewayDrain {

    /** What the drain needs of an event loop; thread-safe. */
    interface Loop {

        /** From now on keep no connection alive; close the idle ones soon. */
        void startDrain();

        /** Calls not finished yet, counted on the loop's own thread. */
        CompletableFuture<Integer> openCalls();
    }

    private static final Logger log = LoggerFactory.getLogger(GatewayDrain.class);
    private static final long POLL_MILLIS = 50;

    private final Loop[] loops;
    private final Duration grace;
    private final Runnable announceToWorkers;

    /** @param announceToWorkers makes the workers answer the calls they run with {@code Connection: close} */
    GatewayDrain(Loop[] loops, Duration grace, Runnable announceToWorkers) {
        this.loops = loops;
        this.grace = grace;
        this.announceToWorkers = announceToWorkers;
    }

    /** Blocks until the loops are quiet or the grace period is over. */
    void run() {
        long started = System.nanoTime();
        long deadline = started + grace.toNanos();
        for (Loop loop : loops) {
            loop.startDrain();
        }
        announceToWorkers.run();
        int left = busy(deadline);
        if (left > 0) {
            log.info("Draining the gateway: {} calls still open", left);
        }
        while (left > 0 && System.nanoTime() - deadline < 0) {
            pause();
            left = busy(deadline);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        if (left > 0) {
            log.warn("Gateway drain: {} calls still open after the grace period of {}; cutting them", left, grace);
        } else {
            log.info("Gateway drained in {} ms", millis);
        }
    }

    /** Calls still open over all loops; a loop that does not answer in time counts as busy. */
    private int busy(long deadline) {
        int total = 0;
        for (Loop loop : loops) {
            CompletableFuture<Integer> count = loop.openCalls();
            try {
                long wait = Math.max(1, Math.min(TimeUnit.SECONDS.toNanos(1), deadline - System.nanoTime()));
                total = (int) Math.min(Integer.MAX_VALUE, (long) total + count.get(wait, TimeUnit.NANOSECONDS));
            } catch (TimeoutException | ExecutionException e) {
                total++;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
        }
        return total;
    }

    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
