package org.faasj.controlplane.invocations;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import org.faasj.controlplane.store.SchemaMigrations;
import org.faasj.controlplane.store.StoreDialect;
import org.faasj.controlplane.testing.PostgresDatabase;
import org.faasj.model.InvocationOutcome;
import org.faasj.model.InvocationRecord;
import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariDataSource;

/**
 * Cluster mode's store on a throw-away PostgreSQL database (skipped where none answers): the
 * contract every record store keeps, then what only the shared table does: nodes, stderr, prunes
 * from two nodes at once, and the cost of a 1000-row batch.
 */
class SharedRecordStorePostgresTest extends RecordStoreContract {

    PostgresDatabase db;
    HikariDataSource pool;

    @Override
    RecordStore open() {
        db = PostgresDatabase.create();
        pool = new HikariDataSource();
        pool.setJdbcUrl(db.jdbcUrl());
        pool.setUsername("postgres");
        pool.setMaximumPoolSize(4);
        pool.addDataSourceProperty("reWriteBatchedInserts", "true"); // as SharedStoreConfiguration sets it
        new SchemaMigrations(pool, StoreDialect.POSTGRES).apply();
        return node("node-a");
    }

    private SharedRecordStore node(String id) {
        return new SharedRecordStore(pool, StoreDialect.POSTGRES, id);
    }

    @Override
    void release() throws Exception {
        if (pool != null) {
            pool.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private static InvocationRecord withStderr(String function, String callId, long startedAt, String stderr) {
        return new InvocationRecord(callId, function, 1, 0, startedAt, 1_000, 0, 200, InvocationOutcome.OK, 0, false,
                10, 100, stderr);
    }

    @Test
    void aCallRunOnBIsReadOnAWithItsNodeAndStderr() throws Exception {
        SharedRecordStore b = node("node-b");
        b.insert(List.of(withStderr("f", "on-b", 2_000, "careful: low disk\n")));
        store.insert(List.of(withStderr("f", "on-a", 1_000, "")));

        RecordStore.StoredRecord read = store.call("on-b").orElseThrow();

        assertThat(read.node()).isEqualTo("node-b");
        assertThat(read.call().stderr()).isEqualTo("careful: low disk\n");
        List<RecordStore.StoredRecord> recent = store.recent("f", RecordFilter.ALL, 10);
        assertThat(recent).extracting(RecordStore.StoredRecord::node).containsExactly("node-b", "node-a");
        assertThat(recent.get(0).call().stderr()).as("a list does not carry stderr").isEmpty();
    }

    @Test
    void stderrIsCappedAtACharacterBoundaryAndLosesItsNuls() throws Exception {
        String big = "é".repeat(SharedRecordStore.STDERR_CAP_BYTES); // two bytes each: twice the cap
        store.insert(List.of(withStderr("f", "big", 1, big), withStderr("f", "nul", 2, "a\0b\n")));

        String kept = store.call("big").orElseThrow().call().stderr();
        assertThat(kept).isEqualTo("é".repeat(SharedRecordStore.STDERR_CAP_BYTES / 2));
        assertThat(store.call("nul").orElseThrow().call().stderr()).isEqualTo("a\uFFFDb\n");
        assertThat(SharedRecordStore.storable("x".repeat(SharedRecordStore.STDERR_CAP_BYTES + 1)))
                .hasSize(SharedRecordStore.STDERR_CAP_BYTES);
    }

    /**
     * Both nodes wrote 300 records of each function and prune at the same moment with a cap of 100:
     * each function keeps exactly its 100 newest, records past the age cutoff are gone, and a
     * repeat deletes nothing.
     */
    @Test
    void twoNodesPruningAtOnceKeepExactlyTheNewest() throws Exception {
        SharedRecordStore b = node("node-b");
        for (String function : List.of("f", "g")) {
            List<InvocationRecord> onA = new ArrayList<>();
            List<InvocationRecord> onB = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                (i % 2 == 0 ? onA : onB).add(record(function, function + "-" + i, 10_000 + i, 200, InvocationOutcome.OK));
            }
            store.insert(onA);
            b.insert(onB);
        }
        store.insert(List.of(record("h", "h-old", 5, 200, InvocationOutcome.OK)));

        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<Integer> byA = CompletableFuture.supplyAsync(() -> pruneAfter(go, store, Set.of("f", "g", "h")));
        CompletableFuture<Integer> byB = CompletableFuture.supplyAsync(() -> pruneAfter(go, b, Set.of("f", "g")));
        go.countDown();

        assertThat(byA.get() + byB.get()).isEqualTo(2 * 200 + 1);
        for (String function : List.of("f", "g")) {
            List<RecordStore.StoredRecord> kept = store.recent(function, RecordFilter.ALL, 1000);
            assertThat(kept).hasSize(100);
            assertThat(kept.get(0).call().callId()).isEqualTo(function + "-299");
            assertThat(kept.get(99).call().callId()).isEqualTo(function + "-200");
        }
        assertThat(store.hasRecords("h")).isFalse();
        assertThat(store.prune(1_000, 100, null) + b.prune(1_000, 100, Set.of("f", "g"))).isZero();
    }

    private static int pruneAfter(CountDownLatch go, RecordStore store, Set<String> written) {
        try {
            go.await();
            return store.prune(1_000, 100, written);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aRoutinePruneCapsOnlyTheFunctionsThisNodeWrote() throws Exception {
        List<InvocationRecord> batch = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            batch.add(record("mine", "m-" + i, 10_000 + i, 200, InvocationOutcome.OK));
            batch.add(record("theirs", "t-" + i, 10_000 + i, 200, InvocationOutcome.OK));
        }
        store.insert(batch);

        assertThat(store.prune(1_000, 5, Set.of("mine"))).isEqualTo(15);

        assertThat(store.recent("theirs", RecordFilter.ALL, 100)).as("the node that wrote them prunes them").hasSize(20);
        assertThat(store.prune(1_000, 5, null)).as("a full prune (at start) caps every function").isEqualTo(15);
    }

    /** What a full batch costs: logged for docs/SCALING.md, not asserted (the machine is shared). */
    @Test
    void aBatchOf1000RowsIsOneCheapTransaction() throws Exception {
        store.insert(batchOf(1000, 0)); // warm-up: connection, plan, the driver's rewrite
        int batches = 10;
        long start = System.nanoTime();
        for (int n = 1; n <= batches; n++) {
            store.insert(batchOf(1000, n));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("SharedRecordStore on PostgreSQL: %d batches of 1000 rows in %.3f s = %.0f rows/s, %.1f ms a batch%n",
                batches, seconds, batches * 1000 / seconds, seconds * 1000 / batches);
        assertThat(store.recent("bulk", RecordFilter.ALL, 1000)).hasSize(1000);
        assertThat(store.call("b-10-999")).isPresent();
        try (var c = pool.getConnection(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT pg_total_relation_size('invocations'), count(*) FROM invocations")) {
            rs.next();
            System.out.printf("SharedRecordStore on PostgreSQL: %d bytes a row with its indexes (1 in 10 with a stderr line)%n",
                    rs.getLong(1) / rs.getLong(2));
        }
    }

    private static List<InvocationRecord> batchOf(int size, int n) {
        List<InvocationRecord> batch = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            batch.add(withStderr("bulk", "b-" + n + "-" + i, 1_000_000L * n + i, i % 10 == 0 ? "a warning\n" : ""));
        }
        return batch;
    }
}
