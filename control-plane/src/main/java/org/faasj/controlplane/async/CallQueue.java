package org.faasj.controlplane.async;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The durable store of async calls. Every method that changes a call commits before it returns:
 * {@link #enqueue} returning means the call survives a crash. Implementations keep the backlog on
 * disk; nothing here returns more than the caller asked for.
 */
public interface CallQueue extends AutoCloseable {

    /** How an enqueue ended. */
    enum Enqueued { STORED, DUPLICATE_ID }

    /** Stores a new queued call, due now; blocks until its transaction has committed. */
    Enqueued enqueue(NewCall call) throws QueueException;

    /**
     * Marks up to {@code max} due queued calls running (attempt counted, start time set) and returns
     * them, oldest due first, never more per function than {@code perFunctionFree} allows (a function
     * absent from the map has {@code perFunctionDefault} places).
     */
    List<ClaimedCall> claim(long now, int max, Map<String, Integer> perFunctionFree, int perFunctionDefault)
            throws QueueException;

    /**
     * Ends a running call for good (only while this node holds it: a call queued again by another
     * node after this node's lease ran out stays theirs): succeeded
     * or failed, with its last result; queues its callback if it has one.
     */
    void finish(String callId, CallState state, CallResult result, long now) throws QueueException;

    /** Puts a running call back in the queue, due at {@code nextRunAt}, keeping this attempt's result. */
    void retryLater(String callId, CallResult result, long nextRunAt) throws QueueException;

    /**
     * Puts back a call this node claimed but never started (it does not know the call's function or
     * version yet, or it is stopping): queued again, due at {@code nextRunAt}, the claim's attempt
     * not counted, so any node may take it. Only while this node holds it.
     */
    void handBack(String callId, long nextRunAt) throws QueueException;

    /**
     * After a crash, or at the end of a clean stop's drain: calls this node left running go back to
     * the queue, due now, their interrupted attempt counted; each gets at least one more attempt.
     * Returns how many. On a table shared by several nodes only this node's calls: the others' are
     * theirs while their leases hold.
     */
    int recover(long now) throws QueueException;

    /** Extends the lease of every call this node runs; returns how many. Called every node heartbeat. */
    int renewLeases(long now) throws QueueException;

    /**
     * On a shared table: calls running on a node whose lease ran out (it died or lost the store)
     * go back to the queue like {@link #recover} does; alone on its table nothing. Returns how many.
     */
    int requeueExpired(long now) throws QueueException;

    /** Cancels a queued call. Empty when there is no such call, else the state it had. */
    Optional<CallState> cancel(String callId, long now) throws QueueException;

    Optional<CallSnapshot> find(String callId) throws QueueException;

    /**
     * Callbacks due now, at most {@code max}; each is leased until {@code leaseUntil} (taken again
     * after that if its outcome was never recorded, e.g. after a crash).
     */
    List<PendingCallback> claimCallbacks(long now, int max, long leaseUntil) throws QueueException;

    /** Records a callback outcome: {@code delivered}, {@code failed}, or {@code pending} again at {@code nextAt}. */
    void recordCallback(String callId, String state, int attempts, String error, long nextAt) throws QueueException;

    /** Deletes finished calls that ended before {@code cutoff} and have no callback left to send. */
    int prune(long cutoff) throws QueueException;

    /**
     * A function's calls, newest enqueued first, at most {@code limit}, in {@code state} only or in
     * any state (null). Neither the request body nor the result's headers and body are read: each
     * snapshot's result holds the last attempt's status, truncation flag and error alone.
     */
    List<CallSnapshot> recent(String function, CallState state, int limit) throws QueueException;

    /** How many of a function's calls are in each state, and when its oldest queued one was enqueued. */
    Backlog backlog(String function) throws QueueException;

    long queuedCount() throws QueueException;

    /** Enqueue time of the oldest queued call, or empty. */
    Optional<Long> oldestQueuedAt() throws QueueException;

    @Override
    void close();
}
