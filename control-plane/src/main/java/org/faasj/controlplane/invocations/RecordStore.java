package org.faasj.controlplane.invocations;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.faasj.model.InvocationRecord;

/**
 * Where invocation records are kept: this node's {@code calls.db} ({@link InvocationStore}) or, in
 * cluster mode, the shared store's table ({@link SharedRecordStore}). One writer thread
 * ({@link RecordWriter}) owns {@link #insert} and {@link #prune}; the reads may run on any thread.
 */
interface RecordStore extends AutoCloseable {

    /** Inserts a batch in one transaction. */
    void insert(List<InvocationRecord> records) throws SQLException;

    /**
     * Deletes records started before {@code oldestMillis}, then all but the newest
     * {@code maxPerFunction} of each function. Must be safe when another node prunes at the same time.
     *
     * @param written the functions this node inserted records of since its last prune (the only ones
     *                whose count can have grown through it), or null for every function
     * @return records deleted
     */
    int prune(long oldestMillis, int maxPerFunction, Set<String> written) throws SQLException;

    /** A function's records, newest first (without their stderr). */
    List<StoredRecord> recent(String function, RecordFilter filter, int limit) throws SQLException;

    /** The newest record with this call id (client-chosen ids may repeat), with its stderr where kept. */
    Optional<StoredRecord> call(String callId) throws SQLException;

    /** Whether any record of this function is kept. */
    boolean hasRecords(String function) throws SQLException;

    /**
     * Whether the store answers now. After a failed insert: false means an outage (keep the batch
     * and try again), true means the batch itself was refused (drop it).
     */
    boolean reachable();

    @Override
    void close() throws SQLException;

    /**
     * A kept record and the node that ran the call.
     *
     * @param call the record; its stderr is empty unless the store keeps stderr and the read asked for it
     * @param node the id of the node that ran it ({@code store.NodeIdentity}), null in single-node mode
     */
    record StoredRecord(InvocationRecord call, String node) {
    }
}
