package org.faasj.controlplane.gateway;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The calls one event loop has handed to workers and not yet seen end, with the deadline by which
 * each must end. Owned by the loop's thread (no locking). Request ids carry the loop's index in
 * their top byte, so a worker's ack finds its loop without a shared map.
 *
 * @param <W> the worker a call runs on (a {@code WorkerSlot} in production)
 */
final class InFlightCalls<W> {

    /** One call on a worker. */
    static final class Call<W> {
        final long id;
        final Connection connection;
        final W worker;
        /** The function's name, for whoever counts calls per function. */
        final String function;
        final long deadlineNanos;
        /** For the record the gateway makes if no worker answers: the call's id, the function's version, the hand-off time. */
        final String callId;
        final int version;
        final long startedNanos;
        /** The worker said it is about to write the response: from now on the client may have bytes of it. */
        boolean responseStarted;

        Call(long id, Connection connection, W worker, String function, int version, String callId,
             long startedNanos, long deadlineNanos) {
            this.id = id;
            this.connection = connection;
            this.worker = worker;
            this.function = function;
            this.version = version;
            this.callId = callId;
            this.startedNanos = startedNanos;
            this.deadlineNanos = deadlineNanos;
        }
    }

    private final int loopIndex;
    private final Map<Long, Call<W>> calls = new HashMap<>();
    private long sequence;

    InFlightCalls(int loopIndex) {
        if (loopIndex < 0 || loopIndex > 0xFF) {
            throw new IllegalArgumentException("loop index " + loopIndex + " does not fit in a request id's top byte");
        }
        this.loopIndex = loopIndex;
    }

    static int loopOf(long requestId) {
        return (int) (requestId >>> 56);
    }

    /** A fresh request id of this loop. */
    long nextId() {
        return ((long) loopIndex << 56) | (++sequence & 0x00FF_FFFF_FFFF_FFFFL);
    }

    Call<W> add(long id, Connection connection, W worker, String function, long deadlineNanos) {
        return add(id, connection, worker, function, 0, null, deadlineNanos, deadlineNanos);
    }

    Call<W> add(long id, Connection connection, W worker, String function, int version, String callId,
                long startedNanos, long deadlineNanos) {
        Call<W> call = new Call<>(id, connection, worker, function, version, callId, startedNanos, deadlineNanos);
        calls.put(id, call);
        return call;
    }

    /** Ends the call (its ack came, or its hand-off failed); null when it already ended. */
    Call<W> remove(long id) {
        return calls.remove(id);
    }

    /** Marks that the worker began the call's response; false when the call already ended. */
    boolean markResponseStarted(long id) {
        Call<W> call = calls.get(id);
        if (call == null) {
            return false;
        }
        call.responseStarted = true;
        return true;
    }

    /** Ends and passes on every call of this worker (its link broke). */
    void removeAllOf(W worker, Consumer<Call<W>> ended) {
        removeIf(c -> c.worker == worker, ended);
    }

    /** Ends and passes on every call whose deadline is before {@code nowNanos}. */
    void removeExpired(long nowNanos, Consumer<Call<W>> ended) {
        removeIf(c -> nowNanos - c.deadlineNanos > 0, ended);
    }

    /** Ends and passes on every call (the loop stops). */
    void removeAll(Consumer<Call<W>> ended) {
        removeIf(c -> true, ended);
    }

    int size() {
        return calls.size();
    }

    private void removeIf(Predicate<Call<W>> which, Consumer<Call<W>> ended) {
        Iterator<Call<W>> it = calls.values().iterator();
        while (it.hasNext()) {
            Call<W> c = it.next();
            if (which.test(c)) {
                it.remove();
                ended.accept(c);
            }
        }
    }
}
