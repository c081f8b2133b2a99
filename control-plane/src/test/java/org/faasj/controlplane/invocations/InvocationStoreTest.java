package org.faasj.controlplane.invocations;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.faasj.model.InvocationOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The single-node store, {@code calls.db}: the contract, and what only a file does. */
class InvocationStoreTest extends RecordStoreContract {

    @TempDir
    Path dir;

    @Override
    RecordStore open() throws Exception {
        return new InvocationStore(dir.resolve("calls.db"));
    }

    @Test
    void recordsSurviveAReopen() throws Exception {
        store.insert(List.of(record("f", "kept", 1, 200, InvocationOutcome.OK)));
        store.close();
        store = open();

        assertThat(store.call("kept")).isPresent();
    }

    @Test
    void aSingleNodeRecordHasNoNodeAndNoStderr() throws Exception {
        store.insert(List.of(record("f", "local", 1, 200, InvocationOutcome.OK)));

        RecordStore.StoredRecord kept = store.call("local").orElseThrow();
        assertThat(kept.node()).isNull();
        assertThat(kept.call().stderr()).as("stderr goes to the function's log file").isEmpty();
    }
}
