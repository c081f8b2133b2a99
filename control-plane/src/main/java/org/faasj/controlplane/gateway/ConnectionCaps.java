package org.faasj.controlplane.gateway;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many client connections the gateway holds, in total and per client address. Every held
 * connection costs a descriptor and some heap, so past either cap a new connection is refused
 * (503 and close) instead of letting a few clients exhaust the heap or the descriptor table.
 * Refusals themselves are bounded too: a refused connection is kept only briefly, to deliver its
 * 503, and only so many at once.
 */
final class ConnectionCaps {

    /** Why a connection was refused, or null when it was admitted. */
    enum Refusal {
        TOTAL("the gateway holds its maximum number of connections"),
        PER_CLIENT("this client holds its maximum number of connections");

        final String detail;

        Refusal(String detail) {
            this.detail = detail;
        }
    }

    private final int maxTotal;
    private final int maxPerClient;
    private final int maxRefusing;
    private final AtomicInteger total = new AtomicInteger();
    private final AtomicInteger refusing = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> perClient = new ConcurrentHashMap<>();

    ConnectionCaps(int maxTotal, int maxPerClient, int maxRefusing) {
        if (maxTotal < 1 || maxPerClient < 1) {
            throw new IllegalArgumentException("connection caps must be at least 1, were " + maxTotal + " and " + maxPerClient);
        }
        this.maxTotal = maxTotal;
        this.maxPerClient = maxPerClient;
        this.maxRefusing = maxRefusing;
    }

    /** The default total cap: one connection per 64 KiB of heap, between 256 and 10,000. */
    static int defaultTotal(long maxHeapBytes) {
        return (int) Math.max(256, Math.min(10_000, maxHeapBytes / (64 * 1024)));
    }

    /** Counts a new connection of this client, or says why it may not be held. */
    Refusal tryAcquire(InetAddress client) {
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return Refusal.TOTAL;
        }
        boolean[] admitted = new boolean[1];
        perClient.compute(client, (address, held) -> {
            int n = held == null ? 0 : held;
            if (n >= maxPerClient) {
                return held;
            }
            admitted[0] = true;
            return n + 1;
        });
        if (!admitted[0]) {
            total.decrementAndGet();
            return Refusal.PER_CLIENT;
        }
        return null;
    }

    /** Gives back what {@link #tryAcquire} counted. */
    void release(InetAddress client) {
        perClient.computeIfPresent(client, (address, held) -> held <= 1 ? null : held - 1);
        total.decrementAndGet();
    }

    /** Whether one more refused connection may be kept to deliver its 503 (else it is just closed). */
    boolean startRefusal() {
        if (refusing.incrementAndGet() > maxRefusing) {
            refusing.decrementAndGet();
            return false;
        }
        return true;
    }

    void endRefusal() {
        refusing.decrementAndGet();
    }

    int maxTotal() {
        return maxTotal;
    }

    int maxPerClient() {
        return maxPerClient;
    }

    int total() {
        return total.get();
    }

    int of(InetAddress client) {
        Integer n = perClient.get(client);
        return n == null ? 0 : n;
    }
}
