package org.faasj.controlplane.calls;

import java.util.List;

import org.faasj.model.InvocationRecord;

/**
 * Receives every invocation record, in batches, on {@link CallRecords}' one dispatch thread (so a
 * listener needs no locking against itself). Must not block for long: while it runs, the next
 * batches wait in a bounded queue and are dropped when it is full.
 */
public interface CallListener {

    void onCalls(List<InvocationRecord> records);
}
