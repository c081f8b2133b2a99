package org.faasj.controlplane.invocations;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.faasj.model.InvocationOutcome;
import org.faasj.model.InvocationRecord;
import org.junit.jupiter.api.Test;

/** The writer's handling of a store that is down (an outage) or refuses a batch (a bad batch). */
class RecordWriterTest {

    /** A store whose inserts fail while {@code down}; {@code answering} says what {@link #reachable} reports. */
    static final class FlakyStore implements RecordStore {
        final List<InvocationRecord> stored = new ArrayList<>();
        volatile boolean down;
        volatile boolean answering = true;
        int attempts;
        int prunes;

        @Override
        public synchronized void insert(List<InvocationRecord> records) throws SQLException {
            attempts++;
            if (down) {
                throw new SQLTransientConnectionException("store - Connection is not available");
            }
            stored.addAll(records);
        }

        @Override
        public int prune(long oldestMillis, int maxPerFunction, Set<String> written) throws SQLException {
            if (down) {
                throw new SQLTransientConnectionException("store - Connection is not available");
            }
            prunes++;
            return 0;
        }

        @Override
        public List<StoredRecord> recent(String function, RecordFilter filter, int limit) {
            return List.of();
        }

        @Override
        public Optional<StoredRecord> call(String callId) {
            return Optional.empty();
        }

        @Override
        public boolean hasRecords(String function) {
            return false;
        }

        @Override
        public boolean reachable() {
            return answering;
        }

        @Override
        public void close() {
        }
    }

    private static List<InvocationRecord> records(String prefix, int n) {
        List<InvocationRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add(new InvocationRecord(prefix + i, "f", 1, 0, i, 1, 0, 200, InvocationOutcome.OK, 0, false, 1, 1, ""));
        }
        return records;
    }

    @Test
    void anOutageKeepsTheBatchAndResumesWhenTheStoreIsBack() {
        FlakyStore store = new FlakyStore();
        RecordWriter writer = new RecordWriter(store, 1000, 86_400_000L, () -> 0L);
        store.down = true;
        store.answering = false;
        writer.onCalls(records("a-", 3));

        writer.writeWith(new InvocationRecord("first", "f", 1, 0, 0, 1, 0, 200, InvocationOutcome.OK, 0, false, 1, 1, ""));
        assertThat(writer.inOutage()).isTrue();
        assertThat(writer.writePending()).as("still down: kept").isFalse();
        writer.onCalls(records("b-", RecordWriter.BUFFER_RECORDS + 7));
        assertThat(writer.dropped()).as("what the buffer cannot hold beside the kept batch").isEqualTo(7);

        store.down = false;
        store.answering = true;
        assertThat(writer.writePending()).isTrue();

        assertThat(writer.inOutage()).isFalse();
        assertThat(store.stored).extracting(InvocationRecord::callId).containsExactly("first", "a-0", "a-1", "a-2");
    }

    @Test
    void aBatchTheStoreRefusesWhileAnsweringIsDroppedAndCounted() {
        FlakyStore store = new FlakyStore();
        RecordWriter writer = new RecordWriter(store, 1000, 86_400_000L, () -> 0L);
        store.down = true; // answering stays true: the batch itself is at fault
        writer.onCalls(records("x-", 2));

        writer.writeWith(new InvocationRecord("bad", "f", 1, 0, 0, 1, 0, 200, InvocationOutcome.OK, 0, false, 1, 1, ""));

        assertThat(writer.inOutage()).isFalse();
        assertThat(writer.dropped()).isEqualTo(3);
        assertThat(store.attempts).isEqualTo(1);
    }

    @Test
    void stoppingDuringAnOutageDropsWhatIsLeftInsteadOfWaiting() throws Exception {
        FlakyStore store = new FlakyStore();
        store.down = true;
        store.answering = false;
        RecordWriter writer = new RecordWriter(store, 1000, 86_400_000L, () -> 0L);
        writer.onCalls(records("s-", 2500));
        writer.start();
        Thread.sleep(300);

        long started = System.nanoTime();
        writer.stop();

        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(5_000);
        assertThat(writer.dropped()).isEqualTo(2500);
        assertThat(store.stored).isEmpty();
    }

    @Test
    void aLingeringWriterGathersRecordsThatArriveSoonAfterTheFirstIntoOneBatch() throws Exception {
        FlakyStore store = new FlakyStore();
        RecordWriter writer = new RecordWriter(store, 1000, 86_400_000L, 300, () -> 0L);
        writer.start();
        try {
            Thread.sleep(100); // the start-up prune
            writer.onCalls(records("first-", 1));
            Thread.sleep(20);
            writer.onCalls(records("soon-", 20));
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (storedCount(store) < 21 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } finally {
            writer.stop();
        }

        assertThat(storedCount(store)).isEqualTo(21);
        assertThat(store.attempts).as("one transaction for both offers").isEqualTo(1);
    }

    private static int storedCount(FlakyStore store) {
        synchronized (store) {
            return store.stored.size();
        }
    }

    @Test
    void aQuietNodeNoticesTheOutageInItsPruneAndItsEndInTheNext() {
        FlakyStore store = new FlakyStore();
        RecordWriter writer = new RecordWriter(store, 1000, 86_400_000L, () -> 0L);
        store.down = true;
        store.answering = false;

        writer.prune();
        assertThat(writer.inOutage()).isTrue();
        writer.prune();

        store.down = false;
        store.answering = true;
        writer.prune();
        assertThat(writer.inOutage()).isFalse();
        assertThat(store.prunes).isEqualTo(1);
    }
}
