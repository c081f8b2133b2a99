package org.faasj.controlplane.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.faasj.controlplane.gateway.LocalAnswer;
import org.faasj.controlplane.gateway.LocalCalls;
import org.faasj.controlplane.metrics.AsyncMetrics;
import org.faasj.controlplane.routing.Route;
import org.faasj.controlplane.routing.RouteTable;
import org.faasj.model.FunctionDescriptor;
import org.faasj.model.FunctionRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DispatcherTest {

    @TempDir
    Path dir;
    JdbcCallQueue queue;
    final RouteTable routes = new RouteTable();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final AtomicInteger callbackWakes = new AtomicInteger();
    Dispatcher dispatcher;

    @BeforeEach
    void open() throws Exception {
        queue = JdbcCallQueue.openSqlite(dir.resolve("async.db"), 64);
        routes.put(route("f"));
        routes.put(route("g"));
    }

    @AfterEach
    void close() {
        if (dispatcher != null) {
            dispatcher.close();
        }
        queue.close();
    }

    private static Route route(String name) {
        return new Route(new FunctionDescriptor(name, FunctionRuntime.PHP, "POST", "/api/" + name, name + ".php", null,
                128, 10, 64, 64, null, null, 1), Path.of("/fn/" + name + ".php"));
    }

    final java.util.concurrent.atomic.AtomicBoolean workersReady = new java.util.concurrent.atomic.AtomicBoolean(true);

    private void start(LocalCalls calls, int maxConcurrency, int perFunction) {
        start(queue, calls, maxConcurrency, perFunction, Duration.ofMillis(20));
    }

    private void start(CallQueue store, LocalCalls calls, int maxConcurrency, int perFunction, Duration pollInterval) {
        start(store, calls, new Dispatcher.Limits(maxConcurrency, perFunction, Duration.ofSeconds(1), 1024, pollInterval));
    }

    private void start(CallQueue store, LocalCalls calls, Dispatcher.Limits limits) {
        dispatcher = new Dispatcher(store, routes, calls, new Backoff(Duration.ofMillis(10), Duration.ofMillis(40), () -> 0.5),
                new AsyncMetrics(registry, true), callbackWakes::incrementAndGet, limits,
                System::currentTimeMillis, workersReady::get);
        dispatcher.start();
    }

    /** As in a cluster: calls younger than {@code routeWait} wait for a function this node does not know yet. */
    private void startInCluster(CallQueue store, LocalCalls calls, Duration routeWait) {
        start(store, calls, new Dispatcher.Limits(4, 2, Duration.ofSeconds(1), 1024, Duration.ofMillis(20), routeWait));
    }

    private static Route route(String name, int version) {
        return new Route(new FunctionDescriptor(name, FunctionRuntime.PHP, "POST", "/api/" + name, name + ".php", null,
                128, 10, 64, 64, null, null, version), Path.of("/fn/" + name + ".php"));
    }

    /** The queue, counting hand-backs. */
    private CallQueue countingHandBacks(AtomicInteger handBacks) {
        return (CallQueue) Proxy.newProxyInstance(CallQueue.class.getClassLoader(), new Class<?>[] {CallQueue.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("handBack")) {
                        handBacks.incrementAndGet();
                    }
                    try {
                        return method.invoke(queue, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The queue, counting claims: each one is a query over the queued calls. */
    private CallQueue countingClaims(AtomicInteger claims) {
        return (CallQueue) Proxy.newProxyInstance(CallQueue.class.getClassLoader(), new Class<?>[] {CallQueue.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("claim")) {
                        claims.incrementAndGet();
                    }
                    try {
                        return method.invoke(queue, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void anEnqueueLooksForWorkOnlyWhenItsFunctionHasAFreePlace() throws Exception {
        AtomicInteger claims = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        List<String> ran = new CopyOnWriteArrayList<>();
        start(countingClaims(claims), (request, attempt, cap, timeout) -> {
            ran.add(request.callId());
            if (request.path().endsWith("/f")) {
                awaitQuietly(release);
            }
            return answer(200, "");
        }, 4, 1, Duration.ofHours(1)); // no poll during the test: only wake-ups claim

        long now = System.currentTimeMillis();
        queue.enqueue(JdbcCallQueueTest.call("f0", "f", now));
        dispatcher.enqueued("f");
        await().atMost(Duration.ofSeconds(10)).until(() -> ran.contains("f0"));
        Thread.sleep(200); // the loop settles into its wait
        int settled = claims.get();

        for (int i = 1; i <= 20; i++) {
            queue.enqueue(JdbcCallQueueTest.call("f" + i, "f", now));
            dispatcher.enqueued("f"); // f's one place is taken: nothing could start
        }
        Thread.sleep(200);
        assertThat(claims.get()).isEqualTo(settled);

        queue.enqueue(JdbcCallQueueTest.call("g0", "g", now));
        dispatcher.enqueued("g"); // g has its place: this one is looked for at once
        await().atMost(Duration.ofSeconds(10)).until(() -> ran.contains("g0"));
        assertThat(claims.get()).isGreaterThan(settled);

        release.countDown(); // freed places wake the loop: f's backlog drains without a poll
        await().atMost(Duration.ofSeconds(10)).until(() -> queue.queuedCount() == 0);
    }

    private static LocalAnswer answer(int status, String body, Map.Entry<String, String>... headers) {
        return new LocalAnswer(status, List.of(headers), body.getBytes(StandardCharsets.UTF_8), false);
    }

    private CallSnapshot awaitFinal(String id) throws QueueException {
        await().atMost(Duration.ofSeconds(10)).until(() -> queue.find(id).orElseThrow().state().isFinal());
        return queue.find(id).orElseThrow();
    }

    private double counted(String function, String outcome) {
        var c = registry.find("faasj.async.calls").tags("function", function, "outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aCallFailingTwiceThenSucceedingIsRetriedWithItsAttemptNumber() throws Exception {
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        start((request, attempt, cap, timeout) -> {
            attempts.add(attempt);
            return attempt < 3 ? answer(503, "busy") : answer(200, "ok on " + attempt);
        }, 4, 2);

        queue.enqueue(JdbcCallQueueTest.call("c1", "f", System.currentTimeMillis()));
        dispatcher.wake();

        CallSnapshot s = awaitFinal("c1");
        assertThat(s.state()).isEqualTo(CallState.SUCCEEDED);
        assertThat(s.attempts()).isEqualTo(3);
        assertThat(new String(s.result().body(), StandardCharsets.UTF_8)).isEqualTo("ok on 3");
        assertThat(attempts).containsExactly(1, 2, 3);
        assertThat(counted("f", "retried")).isEqualTo(2);
        assertThat(counted("f", "succeeded")).isEqualTo(1);
        assertThat(callbackWakes.get()).isEqualTo(1);
    }

    @Test
    void aCallThatKeepsFailingEndsFailedAfterItsLastAttempt() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        start((request, attempt, cap, timeout) -> {
            calls.incrementAndGet();
            throw new IOException("timed out");
        }, 4, 2);

        queue.enqueue(JdbcCallQueueTest.call("c1", "f", System.currentTimeMillis()));

        CallSnapshot s = awaitFinal("c1");
        assertThat(s.state()).isEqualTo(CallState.FAILED);
        assertThat(s.attempts()).isEqualTo(3);
        assertThat(calls.get()).isEqualTo(3);
        assertThat(s.result().error()).contains("timed out");
    }

    @Test
    void aClientErrorIsFinalAtOnce() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        start((request, attempt, cap, timeout) -> {
            calls.incrementAndGet();
            return answer(422, "bad input");
        }, 4, 2);

        queue.enqueue(JdbcCallQueueTest.call("c1", "f", System.currentTimeMillis()));

        assertThat(awaitFinal("c1").state()).isEqualTo(CallState.FAILED);
        assertThat(calls.get()).isEqualTo(1);
    }

    @Test
    void retryAfterFromTheFunctionDelaysTheNextAttempt() throws Exception {
        start((request, attempt, cap, timeout) -> answer(429, "slow down", Map.entry("Retry-After", "60")), 4, 2);

        long before = System.currentTimeMillis();
        queue.enqueue(JdbcCallQueueTest.call("c1", "f", before));

        await().atMost(Duration.ofSeconds(10)).until(() -> queue.find("c1").orElseThrow().result().status() != null);
        CallSnapshot s = queue.find("c1").orElseThrow();
        assertThat(s.state()).isEqualTo(CallState.QUEUED);
        assertThat(s.nextRunAt()).isGreaterThanOrEqualTo(before + 60_000);
    }

    @Test
    void aCallWhoseRouteWentAwayFailsWithoutRunning() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        start((request, attempt, cap, timeout) -> {
            calls.incrementAndGet();
            return answer(200, "");
        }, 4, 2);
        routes.remove("POST", "/api/f");

        queue.enqueue(JdbcCallQueueTest.call("c1", "f", System.currentTimeMillis()));

        CallSnapshot s = awaitFinal("c1");
        assertThat(s.state()).isEqualTo(CallState.FAILED);
        assertThat(s.result().error()).contains("no function is deployed");
        assertThat(calls.get()).isZero();
    }

    /**
     * In a cluster, a call enqueued on another node right after a deploy may be claimed here before
     * this node's route sync has the function: it goes back to the queue, no attempt spent, and runs
     * as its first attempt once the route is known (before: failed at once, "no function deployed").
     */
    @Test
    void aCallOfAFunctionThisNodeHasNotLearnedYetIsHandedBack_andRunsAsItsFirstAttemptOnceKnown() throws Exception {
        routes.remove("POST", "/api/f");
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        AtomicInteger handBacks = new AtomicInteger();
        startInCluster(countingHandBacks(handBacks), (request, attempt, cap, timeout) -> {
            attempts.add(attempt);
            return answer(200, "ran");
        }, Duration.ofSeconds(30));

        queue.enqueue(JdbcCallQueueTest.call("early", "f", System.currentTimeMillis()));
        await().atMost(Duration.ofSeconds(10)).until(() -> handBacks.get() >= 2);
        CallSnapshot waiting = queue.find("early").orElseThrow();
        assertThat(waiting.state()).isIn(CallState.QUEUED, CallState.RUNNING);
        assertThat(waiting.attempts()).isLessThanOrEqualTo(1);
        assertThat(attempts).isEmpty();

        routes.put(route("f")); // the route sync caught up
        CallSnapshot s = awaitFinal("early");
        assertThat(s.state()).isEqualTo(CallState.SUCCEEDED);
        assertThat(s.attempts()).isEqualTo(1);
        assertThat(attempts).containsExactly(1);
    }

    /** Likewise a call stored under a newer version than this node has: it waits for that version, not the old one. */
    @Test
    void aCallOfANewerVersionThanThisNodeKnowsWaitsForIt() throws Exception {
        routes.put(route("f", 1));
        List<Integer> versionsRun = new CopyOnWriteArrayList<>();
        AtomicInteger handBacks = new AtomicInteger();
        startInCluster(countingHandBacks(handBacks), (request, attempt, cap, timeout) -> {
            versionsRun.add(routes.lookup("POST", "/api/f").descriptor().version());
            return answer(200, "ran");
        }, Duration.ofSeconds(30));

        queue.enqueue(new NewCall("f", JdbcCallQueueTest.call("v2", "f", 0).request(), null, 3,
                System.currentTimeMillis(), 2));
        await().atMost(Duration.ofSeconds(10)).until(() -> handBacks.get() >= 2);
        assertThat(versionsRun).isEmpty();

        routes.put(route("f", 2));
        CallSnapshot s = awaitFinal("v2");
        assertThat(s.state()).isEqualTo(CallState.SUCCEEDED);
        assertThat(s.attempts()).isEqualTo(1);
        assertThat(versionsRun).containsExactly(2);
    }

    /** Past the route wait this node's table is taken as true: the function was deleted, or rolled back. */
    @Test
    void pastTheRouteWaitAMissingRouteFailsAndAnOlderVersionRuns() throws Exception {
        routes.remove("POST", "/api/f");
        AtomicInteger calls = new AtomicInteger();
        startInCluster(queue, (request, attempt, cap, timeout) -> {
            calls.incrementAndGet();
            return answer(200, "ran");
        }, Duration.ofSeconds(5));

        long old = System.currentTimeMillis() - 6000;
        queue.enqueue(JdbcCallQueueTest.call("gone", "f", old));
        queue.enqueue(new NewCall("g", JdbcCallQueueTest.call("rolled-back", "g", 0).request(), null, 3, old, 2));

        CallSnapshot gone = awaitFinal("gone");
        assertThat(gone.state()).isEqualTo(CallState.FAILED);
        assertThat(gone.result().error()).contains("no function is deployed");
        assertThat(awaitFinal("rolled-back").state()).isEqualTo(CallState.SUCCEEDED);
        assertThat(calls.get()).isEqualTo(1);
    }

    /**
     * A clean stop: claiming stops first and the running call goes on (the gateway's drain); when
     * the drain ends, what still runs goes back to the queue at once, its attempt counted and one
     * more granted, and what it answers afterwards is not recorded here.
     */
    @Test
    void aCleanStopLetsRunningCallsGoOn_thenHandsBackWhatIsUnfinishedAtOnce() throws Exception {
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        start((request, attempt, cap, timeout) -> {
            if (request.callId().equals("long")) {
                firstRunning.countDown();
                try {
                    never.await();
                } catch (InterruptedException e) {
                    throw new IOException("interrupted"); // the worker's connection cut under it
                }
            }
            return answer(200, "ran");
        }, 4, 2);

        queue.enqueue(JdbcCallQueueTest.call("long", "f", System.currentTimeMillis(), null, 1));
        dispatcher.wake();
        awaitQuietly(firstRunning);

        dispatcher.stopClaiming();
        queue.enqueue(JdbcCallQueueTest.call("later", "g", System.currentTimeMillis()));
        dispatcher.wake();
        Thread.sleep(200); // several poll intervals: a claim after the stop would show
        assertThat(queue.find("later").orElseThrow().state()).isEqualTo(CallState.QUEUED);
        assertThat(queue.find("long").orElseThrow().state()).isEqualTo(CallState.RUNNING);

        long drainEnd = System.currentTimeMillis();
        assertThat(dispatcher.handBackUnfinished()).isEqualTo(1);
        Thread.sleep(100); // the interrupted run returns; it must not record its failure
        CallSnapshot back = queue.find("long").orElseThrow();
        assertThat(back.state()).isEqualTo(CallState.QUEUED);
        assertThat(back.attempts()).isEqualTo(1);
        assertThat(back.maxAttempts()).as("its only attempt was cut off: one more").isEqualTo(2);
        assertThat(back.nextRunAt()).as("due at once").isLessThanOrEqualTo(System.currentTimeMillis())
                .isGreaterThanOrEqualTo(drainEnd);
        assertThat(back.result().error()).contains("interrupted");
    }

    @Test
    void noMoreThanTheLimitsRunAtOnceAndTheTimeoutIsTheFunctionsPlusGrace() throws Exception {
        Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
        Map<String, Integer> peak = new ConcurrentHashMap<>();
        AtomicInteger total = new AtomicInteger();
        AtomicInteger totalPeak = new AtomicInteger();
        List<Duration> timeouts = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        start((request, attempt, cap, timeout) -> {
            timeouts.add(timeout);
            String f = request.path();
            int now = running.computeIfAbsent(f, k -> new AtomicInteger()).incrementAndGet();
            peak.merge(f, now, Math::max);
            totalPeak.accumulateAndGet(total.incrementAndGet(), Math::max);
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.get(f).decrementAndGet();
            total.decrementAndGet();
            return answer(200, "");
        }, 3, 2);

        long now = System.currentTimeMillis();
        for (int i = 0; i < 6; i++) {
            queue.enqueue(JdbcCallQueueTest.call("f" + i, "f", now));
            queue.enqueue(JdbcCallQueueTest.call("g" + i, "g", now));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> total.get() == 3);
        Thread.sleep(200); // room for a wrong fourth claim to show
        assertThat(total.get()).isEqualTo(3);
        assertThat(queue.queuedCount()).isEqualTo(9);
        release.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> queue.queuedCount() == 0 && total.get() == 0);
        assertThat(totalPeak.get()).isEqualTo(3);
        assertThat(peak.values()).allSatisfy(p -> assertThat(p).isLessThanOrEqualTo(2));
        assertThat(timeouts).allSatisfy(t -> assertThat(t).isEqualTo(Duration.ofSeconds(11)));
    }

    @Test
    void nothingIsClaimedWhileNoWorkerIsReady() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        workersReady.set(false);
        start((request, attempt, cap, timeout) -> {
            calls.incrementAndGet();
            return answer(200, "");
        }, 4, 2);

        queue.enqueue(JdbcCallQueueTest.call("c1", "f", System.currentTimeMillis()));
        dispatcher.wake();
        Thread.sleep(300); // several poll intervals: a wrong claim would show
        assertThat(queue.find("c1").orElseThrow().state()).isEqualTo(CallState.QUEUED);
        assertThat(calls.get()).isZero();

        workersReady.set(true);
        CallSnapshot s = awaitFinal("c1");
        assertThat(s.state()).isEqualTo(CallState.SUCCEEDED);
        assertThat(s.attempts()).isEqualTo(1);
    }
}
