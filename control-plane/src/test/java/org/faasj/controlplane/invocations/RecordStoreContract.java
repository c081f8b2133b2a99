package org.faasj.controlplane.invocations;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.faasj.model.InvocationOutcome;
import org.faasj.model.InvocationRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link RecordStore} does, run on each implementation by a subclass. */
abstract class RecordStoreContract {

    RecordStore store;

    /** A new, empty store. */
    abstract RecordStore open() throws Exception;

    /** Releases what {@link #open} made beyond the store (a database). */
    void release() throws Exception {
    }

    @BeforeEach
    void openStore() throws Exception {
        store = open();
    }

    @AfterEach
    void closeStore() throws Exception {
        try {
            store.close();
        } finally {
            release();
        }
    }

    static InvocationRecord record(String function, String callId, long startedAt, int status, InvocationOutcome outcome) {
        return new InvocationRecord(callId, function, 3, 1, startedAt, 12_345, 0, status, outcome,
                outcome == InvocationOutcome.OK ? 0 : -1, true, 1_200, 2048, "a line on stderr\n");
    }

    static List<String> callIds(List<RecordStore.StoredRecord> records) {
        return records.stream().map(r -> r.call().callId()).toList();
    }

    @Test
    void recordsComeBackNewestFirstWithEveryFieldButStderr() throws Exception {
        store.insert(List.of(record("hello", "c-1", 1_000, 200, InvocationOutcome.OK),
                record("hello", "c-2", 2_000, 200, InvocationOutcome.OK), record("other", "c-3", 3_000, 200, InvocationOutcome.OK)));

        List<RecordStore.StoredRecord> recent = store.recent("hello", RecordFilter.ALL, 50);

        assertThat(callIds(recent)).containsExactly("c-2", "c-1");
        assertThat(recent.get(1).call()).isEqualTo(new InvocationRecord("c-1", "hello", 3, 1, 1_000, 12_345, 0, 200,
                InvocationOutcome.OK, 0, true, 1_200, 2048, ""));
        assertThat(store.recent("hello", RecordFilter.ALL, 1)).hasSize(1);
        assertThat(store.call("c-3")).get().extracting(r -> r.call().functionName()).isEqualTo("other");
        assertThat(store.call("nope")).isEmpty();
        assertThat(store.hasRecords("other")).isTrue();
        assertThat(store.hasRecords("never")).isFalse();
    }

    @Test
    void filtersByStatusClassCodeErrorAndOutcome() throws Exception {
        store.insert(List.of(record("f", "ok", 1, 200, InvocationOutcome.OK),
                record("f", "fail", 2, 500, InvocationOutcome.EXIT_NONZERO),
                record("f", "slow", 3, 504, InvocationOutcome.TIMEOUT),
                record("f", "busy", 4, 429, InvocationOutcome.REJECTED_429)));

        assertThat(ids(RecordFilter.of("5xx", null))).containsExactly("slow", "fail");
        assertThat(ids(RecordFilter.of("429", null))).containsExactly("busy");
        assertThat(ids(RecordFilter.of("2xx", null))).containsExactly("ok");
        assertThat(ids(RecordFilter.of("error", null))).containsExactly("busy", "slow", "fail");
        assertThat(ids(RecordFilter.of(null, "timeout"))).containsExactly("slow");
        assertThat(ids(RecordFilter.of("5xx", "exit_nonzero"))).containsExactly("fail");
    }

    private List<String> ids(RecordFilter filter) throws Exception {
        return callIds(store.recent("f", filter, 50));
    }

    @Test
    void pruningKeepsTheNewestPerFunctionAndDropsTheOld() throws Exception {
        List<InvocationRecord> batch = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            batch.add(record("many", "m-" + i, 10_000 + i, 200, InvocationOutcome.OK));
        }
        batch.add(record("few", "old", 1_000, 200, InvocationOutcome.OK));
        batch.add(record("few", "new", 9_000, 200, InvocationOutcome.OK));
        store.insert(batch);

        int deleted = store.prune(5_000, 10, null);

        assertThat(deleted).isEqualTo(21);
        List<RecordStore.StoredRecord> many = store.recent("many", RecordFilter.ALL, 1000);
        assertThat(many).hasSize(10);
        assertThat(many.get(0).call().callId()).isEqualTo("m-29");
        assertThat(many.get(9).call().callId()).isEqualTo("m-20");
        assertThat(callIds(store.recent("few", RecordFilter.ALL, 1000))).containsExactly("new");
        assertThat(store.prune(5_000, 10, null)).as("a second prune finds nothing").isZero();
    }

    @Test
    void theWriterStoresBatchesAndCountsWhatItCannotBuffer() throws Exception {
        RecordWriter writer = new RecordWriter(store, 1000, 86_400_000L, () -> 50_000L);
        List<InvocationRecord> flood = new ArrayList<>();
        for (int i = 0; i < RecordWriter.BUFFER_RECORDS + 5; i++) {
            flood.add(record("f", "c-" + i, 40_000, 200, InvocationOutcome.OK));
        }
        writer.onCalls(flood);
        assertThat(writer.dropped()).isEqualTo(5);

        writer.start();
        writer.stop(); // writes what is buffered before it returns

        assertThat(store.recent("f", RecordFilter.ALL, 1000)).hasSize(1000);
        assertThat(store.call("c-" + (RecordWriter.BUFFER_RECORDS - 1))).isPresent();
    }
}
