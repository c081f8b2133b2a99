package org.faasj.controlplane.gateway;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

import org.faasj.controlplane.system.FaasProperties;

/**
 * How many relays may run at once, and for whom. Health checks and the Prometheus scrape have
 * places of their own, so a probe never waits behind uploads; requests with a body (the slow ones) may take only part of
 * the rest, so the console's pages stay reachable while uploads are in progress; one client
 * address without the admin token may hold only a few relays, so one slow client cannot take them
 * all. Requests that carry the token are not capped per address (a CI job deploying twenty
 * functions at once is the deploy API's own user, and can run code on the host anyway). Async
 * enqueues are function calls, not console traffic: a bucket of their own, not capped per address. Thread-safe.
 */
final class RelayAdmission {

    /** The kind of relayed request, each with its own limit. */
    enum Lane {
        HEALTH, PLAIN, UPLOAD,
        /** An {@code /async-function/...} enqueue: a function call, chosen by {@link Triage}, never by {@link #of}. */
        ASYNC;

        static Lane of(RequestHead head) {
            boolean hasBody = head.chunked() || head.contentLength() > 0;
            if (hasBody) {
                return UPLOAD;
            }
            boolean read = head.method().equals("GET") || head.method().equals("HEAD");
            String path = head.path();
            return read && isProbe(path) ? HEALTH : PLAIN;
        }

        /** Health checks and the Prometheus scrape: both must answer while the console is busy. */
        private static boolean isProbe(String path) {
            return path.equals("/actuator/health") || path.startsWith("/actuator/health/")
                    || path.equals("/actuator/prometheus");
        }
    }

    /** A place taken; give it back exactly once when the relay ends. */
    interface Ticket {
        void release();
    }

    /**
     * @param ticket the place, or null when refused
     * @param status 429 (this client holds too many) or 503 (all places taken) when refused
     */
    record Decision(Ticket ticket, int status, String detail) {
    }

    private final FaasProperties.Relay limits;
    private final Map<InetAddress, Integer> perClient = new HashMap<>();
    private int health;
    private int async;
    private int relays;
    private int uploads;

    RelayAdmission(FaasProperties.Relay limits) {
        this.limits = limits;
    }

    /** @param capped whether the per-client cap applies (the request does not carry the admin token) */
    synchronized Decision admit(InetAddress client, Lane lane, boolean capped) {
        if (lane == Lane.HEALTH) {
            if (health >= limits.healthRelays()) {
                return refused(503, "all " + limits.healthRelays() + " places for health checks are taken");
            }
            health++;
            return new Decision(once(() -> release(client, lane, false)), 0, null);
        }
        if (lane == Lane.ASYNC) {
            if (async >= limits.maxAsyncEnqueues()) {
                return refused(429, "all " + limits.maxAsyncEnqueues() + " places for async enqueues are taken"
                        + " (faas.gateway.relay.max-async-enqueues); retry shortly");
            }
            async++;
            return new Decision(once(() -> release(client, lane, false)), 0, null);
        }
        int mine = perClient.getOrDefault(client, 0);
        if (capped && mine >= limits.maxPerClient()) {
            return refused(429, "this client already has " + mine + " requests to the console and API in progress"
                    + " (faas.gateway.relay.max-per-client)");
        }
        if (relays >= limits.maxRelays() || (lane == Lane.UPLOAD && uploads >= limits.maxUploads())) {
            return refused(503, lane == Lane.UPLOAD
                    ? "the console and API are busy with " + uploads + " uploads; try again shortly"
                    : "the console and API are busy; try again shortly");
        }
        if (capped) {
            perClient.put(client, mine + 1);
        }
        relays++;
        if (lane == Lane.UPLOAD) {
            uploads++;
        }
        return new Decision(once(() -> release(client, lane, capped)), 0, null);
    }

    private synchronized void release(InetAddress client, Lane lane, boolean capped) {
        if (lane == Lane.HEALTH) {
            health--;
            return;
        }
        if (lane == Lane.ASYNC) {
            async--;
            return;
        }
        if (capped) {
            perClient.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
        }
        relays--;
        if (lane == Lane.UPLOAD) {
            uploads--;
        }
    }

    private static Decision refused(int status, String detail) {
        return new Decision(null, status, detail);
    }

    private static Ticket once(Runnable release) {
        return new Ticket() {
            private boolean released;

            @Override
            public synchronized void release() {
                if (!released) {
                    released = true;
                    release.run();
                }
            }
        };
    }
}
