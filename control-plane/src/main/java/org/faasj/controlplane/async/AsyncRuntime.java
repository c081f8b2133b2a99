package org.faasj.controlplane.async;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

import org.faasj.controlplane.gateway.LocalCalls;
import org.faasj.controlplane.metrics.AsyncMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The async machinery's life: once the application is ready (routes loaded, gateway listening)
 * calls this node left running at a crash go back to the queue, then the dispatcher, the callback
 * sender, the retention prune and the lease keeper (every node heartbeat: renew this node's claims,
 * queue again the calls of a node whose lease ran out) start. A clean stop comes in two steps: when
 * the context begins to close, the dispatcher stops claiming and the callback sender stops, while
 * the calls running go on through the gateway's drain (their leases still renewed); when the drain
 * has ended, what is unfinished goes back to the queue at once and the lease keeper stops.
 */
final class AsyncRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AsyncRuntime.class);
    private static final Duration MAX_PRUNE_INTERVAL = Duration.ofMinutes(1);

    private final CallQueue queue;
    private final Function<LocalCalls, Dispatcher> dispatchers;
    private final CallbackSender callbacks;
    private final Duration retention;
    private final Duration leaseEvery;
    private final LongSupplier clock;
    private final AsyncMetrics metrics;
    private ScheduledExecutorService pruner;
    private volatile Dispatcher dispatcher;
    /** Only the lease keeper's thread touches it: a store outage is logged once, not every heartbeat. */
    private boolean leasesFailing;

    AsyncRuntime(CallQueue queue, Function<LocalCalls, Dispatcher> dispatchers, CallbackSender callbacks,
                 Duration retention, Duration leaseEvery, AsyncMetrics metrics, LongSupplier clock) {
        this.queue = queue;
        this.dispatchers = dispatchers;
        this.callbacks = callbacks;
        this.retention = retention;
        this.leaseEvery = leaseEvery;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** @param calls the gateway's path for stored requests; null leaves calls queued (logged) */
    synchronized void start(LocalCalls calls) throws QueueException {
        int recovered = queue.recover(clock.getAsLong());
        if (recovered > 0) {
            log.info("{} async calls were running when the control plane stopped; they run again", recovered);
        }
        metrics.watchQueue(this::depth, this::oldestAgeSeconds);
        callbacks.start();
        pruner = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "async-prune");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1000, Math.min(MAX_PRUNE_INTERVAL.toMillis(), retention.toMillis() / 10));
        pruner.scheduleWithFixedDelay(this::prune, every, every, TimeUnit.MILLISECONDS);
        pruner.scheduleWithFixedDelay(this::keepLeases, 0, leaseEvery.toMillis(), TimeUnit.MILLISECONDS);
        if (calls == null) {
            log.warn("no gateway path for local calls: async calls are stored but not run");
            return;
        }
        Dispatcher d = dispatchers.apply(calls);
        d.start();
        dispatcher = d;
    }

    /** Calls may be due that this node did not enqueue (another node's, or requeued): look at once. */
    void wake() {
        Dispatcher d = dispatcher;
        if (d != null) {
            d.wake();
        }
    }

    /** A new call of this function is queued here. */
    void enqueued(String function) {
        Dispatcher d = dispatcher;
        if (d != null) {
            d.enqueued(function);
        }
    }

    /** Renews this node's claims, then takes back the calls of nodes that stopped renewing theirs. */
    private void keepLeases() {
        try {
            long now = clock.getAsLong();
            queue.renewLeases(now);
            int requeued = queue.requeueExpired(now);
            if (leasesFailing) {
                leasesFailing = false;
                log.info("async leases renewed again");
            }
            if (requeued > 0) {
                log.info("{} async calls were running on a node that stopped renewing its lease; they run again", requeued);
                wake();
            }
        } catch (QueueException | RuntimeException e) {
            if (!leasesFailing) {
                leasesFailing = true;
                log.warn("async lease renewal failed (retried every heartbeat, logged once): {}", e.getMessage());
            }
        }
    }

    private void prune() {
        try {
            int deleted = queue.prune(clock.getAsLong() - retention.toMillis());
            if (deleted > 0) {
                log.debug("pruned {} finished async calls", deleted);
            }
        } catch (QueueException | RuntimeException e) {
            log.warn("async prune failed: {}", e.getMessage());
        }
    }

    private double depth() {
        try {
            return queue.queuedCount();
        } catch (QueueException e) {
            return Double.NaN;
        }
    }

    private double oldestAgeSeconds() {
        try {
            return queue.oldestQueuedAt().map(t -> Math.max(0, clock.getAsLong() - t) / 1000.0).orElse(0.0);
        } catch (QueueException e) {
            return Double.NaN;
        }
    }

    /** A clean stop begins: claim nothing more; the calls running finish during the gateway's drain. */
    synchronized void stopClaiming() {
        Dispatcher d = dispatcher;
        if (d != null) {
            d.stopClaiming();
        }
        callbacks.close();
    }

    /**
     * The gateway's drain has ended: calls not finished go back to the queue now (another node
     * takes them at once, not after this node's lease), then the lease keeper and pruner stop.
     */
    synchronized void drainEnded() {
        Dispatcher d = dispatcher;
        dispatcher = null;
        if (d != null) {
            d.stopClaiming();
            int handedBack = d.handBackUnfinished();
            if (handedBack > 0) {
                log.info("{} async calls unfinished at the end of the drain went back to the queue", handedBack);
            }
        }
        if (pruner != null) {
            pruner.shutdownNow();
        }
    }

    @Override
    public synchronized void close() {
        stopClaiming();
        drainEnded();
    }
}
