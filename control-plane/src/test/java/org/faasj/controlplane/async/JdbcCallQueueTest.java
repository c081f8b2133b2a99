package org.faasj.controlplane.async;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.faasj.controlplane.gateway.LocalRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store on SQLite; {@link JdbcCallQueuePostgresTest} runs the same tests on PostgreSQL. */
class JdbcCallQueueTest {

    @TempDir
    Path dir;
    JdbcCallQueue queue;

    @BeforeEach
    void open() throws Exception {
        queue = openQueue();
    }

    @AfterEach
    void close() throws Exception {
        queue.close();
    }

    /** A queue on the database under test; called again to reopen the same one. */
    JdbcCallQueue openQueue() throws Exception {
        return openQueue(JdbcCallQueue.Claims.local("local"));
    }

    /** Another queue on the same database, as another node (or this node after a restart) would open it. */
    JdbcCallQueue openQueue(JdbcCallQueue.Claims claims) throws Exception {
        return JdbcCallQueue.openSqlite(dir.resolve("async.db"), 64, claims);
    }

    static final long LEASE = 100;

    static JdbcCallQueue.Claims node(String id) {
        return new JdbcCallQueue.Claims(id, true, LEASE);
    }

    static NewCall call(String id, String function, long at) {
        return call(id, function, at, null, 3);
    }

    static NewCall call(String id, String function, long at, String callback, int maxAttempts) {
        LocalRequest r = new LocalRequest("POST", "/api/" + function, "a=1",
                List.of(Map.entry("Content-Type", "text/plain"), Map.entry("X-Tag", "one"), Map.entry("X-Tag", "two")),
                ("body of " + id).getBytes(StandardCharsets.UTF_8), id);
        return new NewCall(function, r, callback, maxAttempts, at);
    }

    static CallResult answer(int status, String body) {
        return new CallResult(status, List.of(Map.entry("Content-Type", "text/plain")),
                body.getBytes(StandardCharsets.UTF_8), false, null);
    }

    @Test
    void anEnqueuedCallIsClaimedOnceWithItsRequestIntact() throws Exception {
        assertThat(queue.enqueue(call("c1", "f", 1000))).isEqualTo(CallQueue.Enqueued.STORED);

        List<ClaimedCall> claimed = queue.claim(1000, 10, Map.of(), 2);

        assertThat(claimed).hasSize(1);
        ClaimedCall c = claimed.get(0);
        assertThat(c.attempt()).isEqualTo(1);
        assertThat(c.maxAttempts()).isEqualTo(3);
        assertThat(c.request().method()).isEqualTo("POST");
        assertThat(c.request().path()).isEqualTo("/api/f");
        assertThat(c.request().query()).isEqualTo("a=1");
        assertThat(c.request().headers()).containsExactly(Map.entry("Content-Type", "text/plain"),
                Map.entry("X-Tag", "one"), Map.entry("X-Tag", "two"));
        assertThat(new String(c.request().body(), StandardCharsets.UTF_8)).isEqualTo("body of c1");
        assertThat(queue.claim(1000, 10, Map.of(), 2)).isEmpty();
        assertThat(queue.find("c1").orElseThrow().state()).isEqualTo(CallState.RUNNING);
    }

    @Test
    void aSecondCallWithTheSameIdIsRefusedEvenInOneBatch() throws Exception {
        queue.enqueue(call("dup", "f", 1000));
        assertThat(queue.enqueue(call("dup", "f", 1001))).isEqualTo(CallQueue.Enqueued.DUPLICATE_ID);
        assertThat(queue.queuedCount()).isEqualTo(1);
    }

    @Test
    void claimsOldestDueFirstAndNotBeforeTheirTime() throws Exception {
        queue.enqueue(call("late", "f", 2000));
        queue.enqueue(call("early", "f", 1000));

        assertThat(queue.claim(1500, 10, Map.of(), 5)).extracting(ClaimedCall::callId).containsExactly("early");
        assertThat(queue.claim(2000, 10, Map.of(), 5)).extracting(ClaimedCall::callId).containsExactly("late");
    }

    @Test
    void claimsNoMoreThanTheFreePlacesOfEachFunction() throws Exception {
        for (int i = 0; i < 5; i++) {
            queue.enqueue(call("a" + i, "a", 1000 + i));
        }
        queue.enqueue(call("b0", "b", 2000));
        queue.enqueue(call("c0", "c", 2001));

        List<ClaimedCall> claimed = queue.claim(3000, 10, Map.of("a", 1, "c", 0), 2);

        assertThat(claimed).extracting(ClaimedCall::callId).containsExactly("a0", "b0");
    }

    @Test
    void claimsAtMostTheGlobalMaximum() throws Exception {
        for (int i = 0; i < 5; i++) {
            queue.enqueue(call("x" + i, "f" + i, 1000 + i));
        }
        assertThat(queue.claim(2000, 3, Map.of(), 1)).hasSize(3);
        assertThat(queue.queuedCount()).isEqualTo(2);
    }

    @Test
    void aFinishedCallKeepsItsResultAndDropsItsRequestBody() throws Exception {
        queue.enqueue(call("c1", "f", 1000, "http://example.com/cb", 3));
        queue.claim(1000, 1, Map.of(), 1);

        queue.finish("c1", CallState.SUCCEEDED, answer(200, "done"), 1500);

        CallSnapshot s = queue.find("c1").orElseThrow();
        assertThat(s.state()).isEqualTo(CallState.SUCCEEDED);
        assertThat(s.result().status()).isEqualTo(200);
        assertThat(new String(s.result().body(), StandardCharsets.UTF_8)).isEqualTo("done");
        assertThat(s.startedAt()).isEqualTo(1000);
        assertThat(s.finishedAt()).isEqualTo(1500);
        assertThat(s.callbackState()).isEqualTo("pending");
    }

    @Test
    void aRetriedCallWaitsUntilItsNextRunAndCountsItsAttempts() throws Exception {
        queue.enqueue(call("c1", "f", 1000));
        queue.claim(1000, 1, Map.of(), 1);

        queue.retryLater("c1", answer(503, "busy"), 5000);

        CallSnapshot s = queue.find("c1").orElseThrow();
        assertThat(s.state()).isEqualTo(CallState.QUEUED);
        assertThat(s.nextRunAt()).isEqualTo(5000);
        assertThat(s.result().status()).isEqualTo(503);
        assertThat(queue.claim(4999, 1, Map.of(), 1)).isEmpty();
        assertThat(queue.claim(5000, 1, Map.of(), 1)).singleElement()
                .satisfies(c -> assertThat(c.attempt()).isEqualTo(2));
    }

    @Test
    void recoveryQueuesRunningCallsAgainWithOneMoreAttemptAtLeast() throws Exception {
        queue.enqueue(call("last", "f", 1000, null, 1));
        queue.enqueue(call("first", "g", 1000, null, 3));
        queue.enqueue(call("waiting", "h", 9000, null, 3));
        queue.claim(1000, 5, Map.of(), 5);

        assertThat(queue.recover(2000)).isEqualTo(2);

        List<ClaimedCall> again = queue.claim(2000, 5, Map.of(), 5);
        assertThat(again).extracting(ClaimedCall::callId).containsExactlyInAnyOrder("last", "first");
        assertThat(again).allSatisfy(c -> assertThat(c.attempt()).isEqualTo(2));
        assertThat(again).filteredOn(c -> c.callId().equals("last")).singleElement()
                .satisfies(c -> assertThat(c.maxAttempts()).isEqualTo(2));
        assertThat(queue.find("waiting").orElseThrow().state()).isEqualTo(CallState.QUEUED);
    }

    @Test
    void onlyAQueuedCallCanBeCancelled() throws Exception {
        queue.enqueue(call("q", "f", 1000));
        queue.enqueue(call("r", "g", 1000));
        queue.claim(1000, 1, Map.of("f", 0), 1);

        assertThat(queue.cancel("q", 1100)).contains(CallState.QUEUED);
        assertThat(queue.cancel("q", 1200)).contains(CallState.CANCELLED);
        assertThat(queue.cancel("r", 1100)).contains(CallState.RUNNING);
        assertThat(queue.cancel("nope", 1100)).isEmpty();
        assertThat(queue.find("q").orElseThrow().state()).isEqualTo(CallState.CANCELLED);
        assertThat(queue.claim(2000, 5, Map.of(), 5)).isEmpty();
    }

    @Test
    void pruneDeletesOnlyFinishedCallsPastTheCutoffWithNoCallbackLeft() throws Exception {
        queue.enqueue(call("old", "f", 1000));
        queue.enqueue(call("oldWithCallback", "g", 1000, "http://example.com/", 3));
        queue.enqueue(call("new", "h", 1000));
        queue.enqueue(call("queued", "i", 1000));
        queue.claim(1000, 3, Map.of("i", 0), 3);
        queue.finish("old", CallState.SUCCEEDED, answer(200, ""), 2000);
        queue.finish("oldWithCallback", CallState.FAILED, answer(400, ""), 2000);
        queue.finish("new", CallState.SUCCEEDED, answer(200, ""), 9000);

        assertThat(queue.prune(5000)).isEqualTo(1);

        assertThat(queue.find("old")).isEmpty();
        assertThat(queue.find("oldWithCallback")).isPresent();
        assertThat(queue.find("new")).isPresent();
        assertThat(queue.find("queued")).isPresent();
    }

    @Test
    void aDueCallbackIsLeasedUntilItsOutcomeIsRecorded() throws Exception {
        queue.enqueue(call("c1", "f", 1000, "http://example.com/cb", 3));
        queue.claim(1000, 1, Map.of(), 1);
        queue.finish("c1", CallState.SUCCEEDED, answer(201, "made"), 1400);

        List<PendingCallback> due = queue.claimCallbacks(1500, 10, 60_000);
        assertThat(due).singleElement().satisfies(c -> {
            assertThat(c.url()).isEqualTo("http://example.com/cb");
            assertThat(c.result().status()).isEqualTo(201);
            assertThat(c.durationMillis()).isEqualTo(400);
            assertThat(c.attempts()).isZero();
        });
        assertThat(queue.claimCallbacks(1600, 10, 60_000)).isEmpty();
        assertThat(queue.claimCallbacks(60_000, 10, 120_000)).hasSize(1); // lease ran out: sent again

        queue.recordCallback("c1", "delivered", 1, null, 0);
        assertThat(queue.claimCallbacks(200_000, 10, 300_000)).isEmpty();
        assertThat(queue.find("c1").orElseThrow().callbackState()).isEqualTo("delivered");
    }

    @Test
    void depthAndOldestCountOnlyQueuedCalls() throws Exception {
        assertThat(queue.oldestQueuedAt()).isEmpty();
        queue.enqueue(call("a", "f", 1000));
        queue.enqueue(call("b", "f", 3000));
        queue.claim(1000, 1, Map.of(), 1);

        assertThat(queue.queuedCount()).isEqualTo(1);
        assertThat(queue.oldestQueuedAt()).isEqualTo(Optional.of(3000L));
    }

    // --- an operator's view of one function ---

    /** q1, q2 queued; r running; s succeeded; x failed; c cancelled; all of "f", plus one call of "g". */
    private void oneOfEachState() throws Exception {
        queue.enqueue(call("s", "f", 1000));
        queue.enqueue(call("x", "f", 1100));
        queue.enqueue(call("r", "f", 1200));
        queue.enqueue(call("c", "f", 1300));
        queue.enqueue(call("q1", "f", 1400));
        queue.enqueue(call("q2", "f", 1500));
        queue.enqueue(call("other", "g", 1600));
        queue.claim(2000, 3, Map.of("g", 0), 5); // s, x, r: the oldest due of f
        queue.finish("s", CallState.SUCCEEDED, answer(201, "a body the listing does not read"), 2100);
        queue.finish("x", CallState.FAILED, answer(500, "boom"), 2200);
        queue.cancel("c", 2300);
    }

    @Test
    void aFunctionsCallsAreListedNewestEnqueuedFirstWithoutBodies() throws Exception {
        oneOfEachState();

        List<CallSnapshot> all = queue.recent("f", null, 10);

        assertThat(all).extracting(CallSnapshot::callId).containsExactly("q2", "q1", "c", "r", "x", "s");
        CallSnapshot s = all.get(5);
        assertThat(s.state()).isEqualTo(CallState.SUCCEEDED);
        assertThat(s.attempts()).isEqualTo(1);
        assertThat(s.startedAt()).isEqualTo(2000);
        assertThat(s.finishedAt()).isEqualTo(2100);
        assertThat(s.result().status()).isEqualTo(201);
        assertThat(s.result().body()).isNull();
        assertThat(all.get(0).result().status()).isNull();
        assertThat(queue.recent("f", null, 2)).extracting(CallSnapshot::callId).containsExactly("q2", "q1");
        assertThat(queue.recent("nobody", null, 10)).isEmpty();
    }

    @Test
    void aListingOfOneStateHoldsOnlyThatState() throws Exception {
        oneOfEachState();

        assertThat(queue.recent("f", CallState.QUEUED, 10)).extracting(CallSnapshot::callId).containsExactly("q2", "q1");
        assertThat(queue.recent("f", CallState.QUEUED, 1)).extracting(CallSnapshot::callId).containsExactly("q2");
        assertThat(queue.recent("f", CallState.RUNNING, 10)).extracting(CallSnapshot::callId).containsExactly("r");
        assertThat(queue.recent("f", CallState.FAILED, 10)).singleElement()
                .satisfies(x -> assertThat(x.result().status()).isEqualTo(500));
        assertThat(queue.recent("f", CallState.CANCELLED, 10)).extracting(CallSnapshot::callId).containsExactly("c");
        assertThat(queue.recent("g", CallState.QUEUED, 10)).extracting(CallSnapshot::callId).containsExactly("other");
    }

    @Test
    void aFunctionsBacklogCountsEachStateAndDatesItsOldestQueuedCall() throws Exception {
        oneOfEachState();

        Backlog f = queue.backlog("f");

        assertThat(f.counts()).containsEntry(CallState.QUEUED, 2L).containsEntry(CallState.RUNNING, 1L)
                .containsEntry(CallState.SUCCEEDED, 1L).containsEntry(CallState.FAILED, 1L)
                .containsEntry(CallState.CANCELLED, 1L);
        assertThat(f.oldestQueuedAt()).isEqualTo(1400);
        assertThat(f.total()).isEqualTo(6);
        Backlog none = queue.backlog("nobody");
        assertThat(none.total()).isZero();
        assertThat(none.oldestQueuedAt()).isZero();
        assertThat(none.counts()).hasSize(5);
    }

    @Test
    void queuedCallsSurviveReopeningTheFile() throws Exception {
        queue.enqueue(call("kept", "f", 1000));
        queue.close();
        queue = openQueue();

        assertThat(queue.claim(1000, 1, Map.of(), 1)).extracting(ClaimedCall::callId).containsExactly("kept");
    }

    // --- a table shared by several nodes (cluster mode) ---

    @Test
    void aCallWhoseLeaseRanOutRunsAgainOnAnotherNodeWhichAloneMayFinishIt() throws Exception {
        try (JdbcCallQueue a = openQueue(node("a")); JdbcCallQueue b = openQueue(node("b"))) {
            a.enqueue(call("orphan", "f", 1000));
            assertThat(a.claim(1000, 1, Map.of(), 1)).singleElement()
                    .satisfies(c -> assertThat(c.attempt()).isEqualTo(1));

            assertThat(b.requeueExpired(1000 + LEASE)).as("the lease holds up to its last millisecond").isZero();
            assertThat(b.requeueExpired(1000 + LEASE + 1)).isEqualTo(1);
            CallSnapshot requeued = b.find("orphan").orElseThrow();
            assertThat(requeued.state()).isEqualTo(CallState.QUEUED);
            assertThat(requeued.result().error()).contains("lease");

            assertThat(b.claim(1200, 1, Map.of(), 1)).singleElement()
                    .satisfies(c -> assertThat(c.attempt()).isEqualTo(2));
            a.finish("orphan", CallState.FAILED, answer(500, "late answer from a"), 1300);
            assertThat(b.find("orphan").orElseThrow().state()).as("a no longer holds the call").isEqualTo(CallState.RUNNING);
            a.retryLater("orphan", answer(503, "late retry from a"), 1300);
            assertThat(b.find("orphan").orElseThrow().state()).isEqualTo(CallState.RUNNING);

            b.finish("orphan", CallState.SUCCEEDED, answer(200, "from b"), 1400);
            CallSnapshot done = a.find("orphan").orElseThrow();
            assertThat(done.state()).isEqualTo(CallState.SUCCEEDED);
            assertThat(new String(done.result().body(), StandardCharsets.UTF_8)).isEqualTo("from b");
        }
    }

    @Test
    void aRenewedLeaseKeepsTheCallWithItsNode() throws Exception {
        try (JdbcCallQueue a = openQueue(node("a")); JdbcCallQueue b = openQueue(node("b"))) {
            a.enqueue(call("held", "f", 1000));
            a.enqueue(call("other", "g", 1000));
            a.claim(1000, 1, Map.of(), 1);
            b.claim(1000, 1, Map.of(), 1);

            assertThat(a.renewLeases(1090)).as("only a's own call").isEqualTo(1);

            assertThat(a.requeueExpired(1150)).as("b's lease ran out at 1100, a's holds until 1190").isEqualTo(1);
            assertThat(a.find("other").orElseThrow().state()).isEqualTo(CallState.QUEUED);
            assertThat(a.find("held").orElseThrow().state()).isEqualTo(CallState.RUNNING);
        }
    }

    @Test
    void atStartANodeOnASharedTableTakesBackOnlyItsOwnRunningCalls() throws Exception {
        try (JdbcCallQueue a = openQueue(node("a")); JdbcCallQueue b = openQueue(node("b"))) {
            a.enqueue(call("on-a", "f", 1000));
            a.enqueue(call("on-b", "g", 1000));
            a.claim(1000, 1, Map.of(), 1);
            b.claim(1000, 1, Map.of(), 1);
        }
        try (JdbcCallQueue restartedA = openQueue(node("a"))) {
            assertThat(restartedA.recover(1010)).isEqualTo(1);
            assertThat(restartedA.find("on-a").orElseThrow().state()).isEqualTo(CallState.QUEUED);
            assertThat(restartedA.find("on-b").orElseThrow().state()).isEqualTo(CallState.RUNNING);
        }
    }

    /** A node that cannot run a claimed call yet gives it back as if it had never claimed it. */
    @Test
    void aHandedBackCallIsQueuedAgainWithItsAttemptGivenBack_andAnotherNodeTakesItAsItsFirst() throws Exception {
        try (JdbcCallQueue a = openQueue(node("a")); JdbcCallQueue b = openQueue(node("b"))) {
            a.enqueue(new NewCall("f", call("early", "f", 1000).request(), null, 3, 1000, 7));
            assertThat(b.claim(1000, 1, Map.of(), 1)).singleElement().satisfies(c -> {
                assertThat(c.version()).as("the version it was stored under").isEqualTo(7);
                assertThat(c.enqueuedAt()).isEqualTo(1000);
            });

            a.handBack("early", 1500);
            assertThat(a.find("early").orElseThrow().state()).as("only the node holding it hands it back")
                    .isEqualTo(CallState.RUNNING);
            b.handBack("early", 1500);
            CallSnapshot back = a.find("early").orElseThrow();
            assertThat(back.state()).isEqualTo(CallState.QUEUED);
            assertThat(back.attempts()).isZero();
            assertThat(back.nextRunAt()).isEqualTo(1500);
            assertThat(back.startedAt()).as("never started").isZero();

            assertThat(a.claim(1499, 1, Map.of(), 1)).as("not before its time").isEmpty();
            assertThat(a.claim(1500, 1, Map.of(), 1)).singleElement().satisfies(c -> {
                assertThat(c.attempt()).isEqualTo(1);
                assertThat(c.maxAttempts()).isEqualTo(3);
            });
        }
    }

    /**
     * A clean stop hands back at once what a crash leaves to the lease: the other node takes the
     * call right away, its interrupted attempt counted and one more granted, not after the lease.
     */
    @Test
    void aCleanStopHandsItsRunningCallsBackAtOnce_whichAnotherNodeTakesBeforeTheLeaseEnds() throws Exception {
        try (JdbcCallQueue a = openQueue(node("a")); JdbcCallQueue b = openQueue(node("b"))) {
            a.enqueue(call("last-try", "f", 1000, null, 1));
            a.enqueue(call("other", "g", 1000));
            assertThat(a.claim(1000, 1, Map.of(), 1)).extracting(ClaimedCall::callId).containsExactly("last-try");
            assertThat(b.claim(1000, 1, Map.of(), 1)).extracting(ClaimedCall::callId).containsExactly("other");

            assertThat(a.recover(1010)).as("a's own running call only").isEqualTo(1);
            assertThat(b.find("other").orElseThrow().state()).isEqualTo(CallState.RUNNING);

            assertThat(b.claim(1020, 1, Map.of(), 1)).as("well before a's lease would end at " + (1000 + LEASE))
                    .singleElement().satisfies(c -> {
                        assertThat(c.callId()).isEqualTo("last-try");
                        assertThat(c.attempt()).isEqualTo(2);
                        assertThat(c.maxAttempts()).as("the interrupted attempt was its last: one more").isEqualTo(2);
                    });
        }
    }

    @Test
    void aNodeAloneOnItsTableNeverTakesBackCallsForALateRenewal() throws Exception {
        JdbcCallQueue.Claims alone = new JdbcCallQueue.Claims("solo", false, LEASE);
        try (JdbcCallQueue solo = openQueue(alone)) {
            solo.enqueue(call("slow", "f", 1000));
            solo.claim(1000, 1, Map.of(), 1);

            assertThat(solo.requeueExpired(1000 + 10 * LEASE)).isZero();
            assertThat(solo.find("slow").orElseThrow().state()).isEqualTo(CallState.RUNNING);
        }
    }

    @Test
    void twoNodesClaimingAtOnceNeverTakeTheSameCall() throws Exception {
        int calls = 200;
        for (int i = 0; i < calls; i++) {
            queue.enqueue(call("load-" + i, "f" + (i % 7), 1000));
        }
        List<String> taken = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        try (JdbcCallQueue a = openQueue(node("a")); JdbcCallQueue b = openQueue(node("b"))) {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                List<java.util.concurrent.Future<?>> claimers = new java.util.ArrayList<>();
                for (JdbcCallQueue q : List.of(a, b)) {
                    claimers.add(pool.submit(() -> {
                        List<ClaimedCall> got;
                        do {
                            got = q.claim(1000, 3, Map.of(), 3);
                            got.forEach(c -> taken.add(c.callId()));
                        } while (!got.isEmpty());
                        return null;
                    }));
                }
                for (java.util.concurrent.Future<?> f : claimers) {
                    f.get(60, java.util.concurrent.TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
        }
        assertThat(taken).hasSize(calls).doesNotHaveDuplicates();
        assertThat(queue.queuedCount()).isZero();
    }

    @Test
    void twoNodesClaimingCallbacksAtOnceNeverTakeTheSameOne() throws Exception {
        int calls = 60;
        for (int i = 0; i < calls; i++) {
            queue.enqueue(call("cb-" + i, "f", 1000, "http://example.com/cb", 3));
        }
        for (ClaimedCall c : queue.claim(1000, calls, Map.of(), calls)) {
            queue.finish(c.callId(), CallState.SUCCEEDED, answer(200, "ok"), 1100);
        }
        List<String> taken = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        try (JdbcCallQueue a = openQueue(node("a")); JdbcCallQueue b = openQueue(node("b"))) {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                List<java.util.concurrent.Future<?>> senders = new java.util.ArrayList<>();
                for (JdbcCallQueue q : List.of(a, b)) {
                    senders.add(pool.submit(() -> {
                        List<PendingCallback> got;
                        do {
                            got = q.claimCallbacks(1200, 2, 60_000);
                            got.forEach(c -> taken.add(c.callId()));
                        } while (!got.isEmpty());
                        return null;
                    }));
                }
                for (java.util.concurrent.Future<?> f : senders) {
                    f.get(60, java.util.concurrent.TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
        }
        assertThat(taken).hasSize(calls).doesNotHaveDuplicates();
    }
}
