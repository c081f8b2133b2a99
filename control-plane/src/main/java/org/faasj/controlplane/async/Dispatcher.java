package org.faasj.controlplane.async;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import org.faasj.controlplane.gateway.LocalAnswer;
import org.faasj.controlplane.gateway.LocalCalls;
import org.faasj.controlplane.metrics.AsyncMetrics;
import org.faasj.controlplane.routing.Route;
import org.faasj.controlplane.routing.RouteTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs queued calls. One thread claims due calls in small batches (never more than there are free
 * places, so the backlog stays on disk) and hands each to a pool of {@code maxConcurrency} threads,
 * which run it through {@link LocalCalls} and record the outcome. At most
 * {@code maxPerFunction} calls of one function run at once, so one function's backlog cannot take
 * every place, and the global limit keeps async load from starving the synchronous calls. While no
 * worker is ready (the control plane just started, or every worker is being replaced) nothing is
 * claimed: the gateway would only answer 503 and the call lose an attempt.
 *
 * <p>A claimed call this node cannot run yet goes back to the queue without costing an attempt: in
 * a cluster a call enqueued on another node right after a deploy can be claimed here before this
 * node's route sync has the function (or that version), so for {@link Limits#routeWait} after its
 * enqueue such a call is handed back, due again a poll interval later, for whichever node knows it.
 * On a clean stop the dispatcher first only stops claiming ({@link #stopClaiming}), so the calls
 * running finish during the gateway's drain; what is left when the drain ends goes back to the
 * queue at once ({@link #handBackUnfinished}) instead of waiting for this node's lease to run out.
 */
final class Dispatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    /**
     * The settings the dispatcher runs with.
     *
     * @param routeWait how long after its enqueue a call whose function, or whose version, this node's
     *                  route table does not have yet is handed back rather than failed or run on the
     *                  older version; zero where the route table is the store's (one node)
     */
    record Limits(int maxConcurrency, int maxPerFunction, Duration timeoutGrace, long resultCap, Duration pollInterval,
                  Duration routeWait) {

        Limits(int maxConcurrency, int maxPerFunction, Duration timeoutGrace, long resultCap, Duration pollInterval) {
            this(maxConcurrency, maxPerFunction, timeoutGrace, resultCap, pollInterval, Duration.ZERO);
        }
    }

    private final CallQueue queue;
    private final RouteTable routes;
    private final LocalCalls calls;
    private final Backoff backoff;
    private final AsyncMetrics metrics;
    private final Runnable callbackWake;
    private final Limits limits;
    private final LongSupplier clock;
    private final BooleanSupplier workersReady;
    private final ExecutorService runners;
    private final Map<String, AtomicInteger> running = new HashMap<>();
    private final AtomicInteger runningTotal = new AtomicInteger();
    private final BlockingQueue<Boolean> wake = new ArrayBlockingQueue<>(1);
    /** Calls claimed here and not ended yet, by id: whether their attempt began (the function was called). */
    private final Map<String, Boolean> claimedHere = new ConcurrentHashMap<>();
    /** The dispatcher thread's own: whether its last claim failed. */
    private boolean failing;
    private final Thread loop;
    private volatile boolean stopped;
    private boolean handedBack;

    Dispatcher(CallQueue queue, RouteTable routes, LocalCalls calls, Backoff backoff, AsyncMetrics metrics,
               Runnable callbackWake, Limits limits, LongSupplier clock, BooleanSupplier workersReady) {
        this.queue = queue;
        this.routes = routes;
        this.calls = calls;
        this.backoff = backoff;
        this.metrics = metrics;
        this.callbackWake = callbackWake;
        this.limits = limits;
        this.clock = clock;
        this.workersReady = workersReady;
        AtomicInteger n = new AtomicInteger();
        this.runners = Executors.newFixedThreadPool(limits.maxConcurrency(), r -> daemon(r, "async-call-" + n.incrementAndGet()));
        this.loop = daemon(this::run, "async-dispatch");
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    void start() {
        loop.start();
    }

    /** A place freed (or the caller knows a claim may succeed): look at once instead of at the next poll. */
    void wake() {
        wake.offer(Boolean.TRUE);
    }

    /**
     * A call of this function was stored. Look at once only if it could start now: with its
     * function's places (or all places) taken, a claim finds nothing to start, yet its query
     * reads past every queued call of the full functions; waking it per enqueue made a large
     * backlog cost a scan per 202. A place that frees up wakes the loop anyway.
     */
    void enqueued(String function) {
        if (runningTotal.get() < limits.maxConcurrency() && runningOf(function) < limits.maxPerFunction()) {
            wake();
        }
    }

    private synchronized int runningOf(String function) {
        AtomicInteger n = running.get(function);
        return n == null ? 0 : n.get();
    }

    private void run() {
        while (!stopped) {
            try {
                int claimed = claimAndStart();
                if (failing) {
                    failing = false;
                    log.info("async dispatch works again");
                }
                if (claimed == 0) {
                    wake.poll(limits.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                return;
            } catch (QueueException | RuntimeException e) {
                // a shared store can be down for a while: say so once, not every poll
                if (!failing) {
                    failing = true;
                    log.warn("async dispatch failed, trying again every {}: {}", limits.pollInterval(), e.getMessage());
                }
                sleepQuietly(limits.pollInterval());
            }
        }
    }

    private int claimAndStart() throws QueueException {
        int free = limits.maxConcurrency() - runningTotal.get();
        // no worker ready (just started, or all restarting): an attempt now would only burn on a 503
        if (free <= 0 || !workersReady.getAsBoolean()) {
            return 0;
        }
        List<ClaimedCall> claimed = queue.claim(clock.getAsLong(), free, freePerFunction(), limits.maxPerFunction());
        for (ClaimedCall call : claimed) {
            taken(call.function());
            claimedHere.put(call.callId(), Boolean.FALSE);
            runners.execute(() -> {
                try {
                    runOnce(call);
                } finally {
                    claimedHere.remove(call.callId());
                    released(call.function());
                    wake();
                }
            });
        }
        return claimed.size();
    }

    private synchronized Map<String, Integer> freePerFunction() {
        Map<String, Integer> free = new HashMap<>();
        running.forEach((f, n) -> free.put(f, limits.maxPerFunction() - n.get()));
        return free;
    }

    private synchronized void taken(String function) {
        running.computeIfAbsent(function, f -> new AtomicInteger()).incrementAndGet();
        runningTotal.incrementAndGet();
    }

    private synchronized void released(String function) {
        AtomicInteger n = running.get(function);
        if (n != null && n.decrementAndGet() == 0) {
            running.remove(function);
        }
        runningTotal.decrementAndGet();
    }

    /** One attempt and its bookkeeping; a store failure leaves the row running, recovered at the next start. */
    void runOnce(ClaimedCall call) {
        try {
            Route route = routes.lookup(call.request().method(), call.request().path());
            if (notLearnedYet(call, route)) {
                queue.handBack(call.callId(), clock.getAsLong() + limits.pollInterval().toMillis());
                log.debug("async call {}: {} {} not known here yet (version {}), handed back", call.callId(),
                        call.request().method(), call.request().path(), call.version());
                return;
            }
            if (route == null) { // deleted since: no retry can succeed
                end(call, CallState.FAILED, CallResult.noAnswer("no function is deployed at "
                        + call.request().method() + " " + call.request().path() + " any more"));
                return;
            }
            if (stopped) { // claimed just before the stop: it runs elsewhere, its attempt not spent
                queue.handBack(call.callId(), clock.getAsLong());
                return;
            }
            claimedHere.put(call.callId(), Boolean.TRUE);
            CallResult result = attempt(call, route);
            if (stopped && result.status() == null) {
                // the drain cut it off: handBackUnfinished queues it again with one more attempt,
                // which recording this as a failed attempt (the last one, perhaps) would not
                return;
            }
            Verdict verdict = Verdict.of(result);
            if (verdict == Verdict.RETRY && !call.lastAttempt()) {
                long delay = backoff.delayMillis(call.attempt(), LocalAnswer.first(result.headers(), "Retry-After"));
                queue.retryLater(call.callId(), result, clock.getAsLong() + delay);
                metrics.asyncCallEnded(call.function(), "retried");
                return;
            }
            end(call, verdict == Verdict.SUCCEEDED ? CallState.SUCCEEDED : CallState.FAILED, result);
        } catch (QueueException e) {
            log.warn("async call {}: could not record attempt {}: {}", call.callId(), call.attempt(), e.getMessage());
        }
    }

    /**
     * Whether this node's route table is probably behind the store for this call: no route, or an
     * older version than the call was stored under, while the call is younger than the route wait.
     * Past the wait a missing route means the function was deleted, and an older version one that
     * was rolled back to.
     */
    private boolean notLearnedYet(ClaimedCall call, Route route) {
        boolean behind = route == null || route.descriptor().version() < call.version();
        return behind && clock.getAsLong() - call.enqueuedAt() < limits.routeWait().toMillis();
    }

    private CallResult attempt(ClaimedCall call, Route route) {
        Duration timeout = Duration.ofSeconds(route.descriptor().timeoutSeconds()).plus(limits.timeoutGrace());
        try {
            LocalAnswer answer = calls.call(call.request(), call.attempt(), limits.resultCap(), timeout);
            return new CallResult(answer.status(), answer.headers(), answer.body(), answer.truncated(), null);
        } catch (IOException e) {
            return CallResult.noAnswer("no answer: " + e.getMessage());
        } catch (RuntimeException e) {
            log.warn("async call {} attempt {} failed in the platform", call.callId(), call.attempt(), e);
            return CallResult.noAnswer("platform error: " + e);
        }
    }

    private void end(ClaimedCall call, CallState state, CallResult result) throws QueueException {
        queue.finish(call.callId(), state, result, clock.getAsLong());
        metrics.asyncCallEnded(call.function(), state.id());
        callbackWake.run();
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A clean stop begins: no more claims. The calls running go on, through the gateway's drain.
     * Returns once the claiming thread has ended, so no claim can follow.
     */
    void stopClaiming() {
        stopped = true;
        loop.interrupt();
        try {
            loop.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The drain has ended: calls claimed here that never began go back to the queue with their
     * attempt given back; those still running go back with it counted (and one more granted, as
     * after a crash), due now, so another node runs them at once instead of after this node's
     * lease. A run that still ends here afterwards records nothing: the row is no longer this
     * node's. Returns how many calls went back.
     */
    int handBackUnfinished() {
        stopClaiming();
        runners.shutdownNow(); // tasks not begun are dropped here: their rows are handed back below
        int handedBack = 0;
        try {
            long now = clock.getAsLong();
            for (Map.Entry<String, Boolean> claim : Map.copyOf(claimedHere).entrySet()) {
                if (!claim.getValue()) {
                    queue.handBack(claim.getKey(), now);
                    handedBack++;
                }
            }
            handedBack += queue.recover(now);
        } catch (QueueException e) {
            log.warn("async calls still running here could not be handed back (they run again when this node's"
                    + " lease runs out, or at its next start): {}", e.getMessage());
        }
        return handedBack;
    }

    /** Stops claiming and hands back whatever is unfinished (see {@link #handBackUnfinished}). */
    @Override
    public void close() {
        if (handedBack) {
            return;
        }
        handedBack = true;
        handBackUnfinished();
    }
}
