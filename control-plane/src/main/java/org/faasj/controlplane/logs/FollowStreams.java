package org.faasj.controlplane.logs;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The threads that write follow streams, one per stream (their number is capped by
 * {@link LogFollowers}). Stopped first of all at shutdown: an open follow is a request in flight,
 * and Spring's graceful web server shutdown, which comes later, would otherwise wait for it.
 */
@Component
class FollowStreams implements SmartLifecycle {

    private final AtomicInteger threads = new AtomicInteger();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "log-follow-" + threads.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private volatile boolean running;

    /** False when shutting down. */
    boolean start(FollowStream stream) {
        try {
            pool.execute(stream);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    @Override
    public void start() {
        running = true;
    }

    /** Interrupts every stream, which then completes its response. */
    @Override
    public void stop() {
        running = false;
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
