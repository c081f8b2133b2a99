package org.faasj.controlplane.gateway;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * One thread that looks at every running relay twice a second and ends those past a deadline.
 * Blocking reads and writes have no deadline of their own; closing a socket under them is what
 * wakes them.
 */
final class RelayDeadlines {

    private static final long PERIOD_MILLIS = 500;
    private static final Pattern LOGS_PATH = Pattern.compile("/system/functions/[^/]+/logs");

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

    /**
     * Whether the total deadline spares this request: a {@code GET} that follows a function's log
     * ({@code /system/functions/{name}/logs?follow=true}). Such a stream is meant to stay open, and no
     * heartbeat could keep it inside a deadline counted from the request's start. It stays bounded:
     * the path needs the admin token, Spring ends the stream at {@code faas.logs.follow-timeout}, and
     * the idle deadline still cuts a client that stops reading (it counts only while a write is
     * blocked, never while the stream is merely quiet). The stream's heartbeat lines are what let this
     * relay notice a client that left.
     */
    static boolean sparesTotal(RequestHead head) {
        if (!head.method().equals("GET") || !LOGS_PATH.matcher(head.path()).matches()) {
            return false;
        }
        for (String parameter : head.query().split("&")) {
            if (parameter.equals("follow=true")) {
                return true;
            }
        }
        return false;
    }

    void shutdown() {
        timer.shutdownNow();
    }
}
