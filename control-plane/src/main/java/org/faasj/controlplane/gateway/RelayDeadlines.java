package org.faasj.controlplane.gateway;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One thread that looks at every running relay twice a second and ends those past a deadline.
 * Blocking reads and writes have no deadline of their own; closing a socket under them is what
 * wakes them.
 */
final class RelayDeadlines {

    private static final long PERIOD_MILLIS = 500;

    private final Set<RelayedRequest> running = ConcurrentHashMap.newKeySet();
    private final LongSupplier nanoTime;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "web-relay-deadlines");
        t.setDaemon(true);
        return t;
    });

    RelayDeadlines(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        timer.scheduleWithFixedDelay(this::sweep, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    void watch(RelayedRequest relay) {
        running.add(relay);
    }

    void forget(RelayedRequest relay) {
        running.remove(relay);
    }

    private void sweep() {
        long now = nanoTime.getAsLong();
        for (RelayedRequest relay : running) {
            relay.checkDeadlines(now);
        }
    }

    void shutdown() {
        timer.shutdownNow();
    }
}
