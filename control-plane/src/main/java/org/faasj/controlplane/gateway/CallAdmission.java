package org.faasj.controlplane.gateway;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.faasj.controlplane.metrics.GatewayCounters;
import org.faasj.controlplane.scheduling.FunctionAdmission;
import org.faasj.controlplane.scheduling.FunctionAdmission.Ticket;
import org.faasj.model.CallId;
import org.faasj.model.FunctionDescriptor;

/**
 * The event loops' side of per-function concurrency limits ({@link FunctionAdmission}): a call of a
 * limited function runs, or its connection is parked until a place frees, or it gets 429. Shared
 * by all loops; every method works on a connection owned by the calling loop's thread, and a place
 * freed elsewhere comes back to that loop through its {@link Executor}.
 *
 * <p>A parked connection stays in its loop's selector only so that a client that goes away is
 * noticed: bytes it sends meanwhile are stored in its buffer unparsed (they are more of the body,
 * or a pipelined request), and once the buffer is full the loop stops reading it. The ticket sits
 * on the connection from admission until the call ends, and every end path ({@link #end}) frees it.
 */
final class CallAdmission {

    /** What to do with a limited function's call. */
    enum Outcome { RUN, PARKED, REFUSED }

    private final FunctionAdmission admission;
    private final long maxWaitNanos;
    private final NanoClock clock;
    /** 429s are counted per function here: no worker sees them, so no invocation record tells of them. */
    private final GatewayCounters counters;

    CallAdmission(FunctionAdmission admission, long maxWaitNanos, NanoClock clock) {
        this(admission, maxWaitNanos, clock, GatewayCounters.disabled());
    }

    CallAdmission(FunctionAdmission admission, long maxWaitNanos, NanoClock clock, GatewayCounters counters) {
        this.admission = admission;
        this.maxWaitNanos = maxWaitNanos;
        this.clock = clock;
        this.counters = counters;
    }

    /**
     * @param loop   the connection's loop
     * @param resume runs on {@code loop} when a parked call got its place (see {@link #unpark})
     */
    Outcome admit(Connection c, FunctionDescriptor function, Executor loop, Runnable resume) {
        Ticket ticket = admission.admit(function, () -> loop.execute(resume));
        if (ticket == null) {
            return Outcome.REFUSED;
        }
        c.ticket = ticket;
        if (ticket.state() == Ticket.State.RUNNING) {
            return Outcome.RUN;
        }
        c.parked = true;
        c.parkedAtNanos = clock.nanoTime();
        c.deadlineNanos = c.parkedAtNanos + maxWaitNanos;
        return Outcome.PARKED;
    }

    /**
     * On the loop, when a place was granted: whether the connection still waits for it. A grant can
     * arrive after the connection was closed, or after a parked call already went on because its
     * place came between admission and the check of it.
     */
    static boolean unpark(Connection c) {
        if (!c.parked || c.ticket == null || c.ticket.state() != Ticket.State.RUNNING) {
            return false;
        }
        c.parked = false;
        return true;
    }

    /**
     * A parked connection is readable: keep what the client sends, unparsed. The buffer does not
     * grow for it (it only grows for an incomplete head), so a parked connection costs no more
     * than it did when it was parked.
     *
     * @return false when the client went away (the caller closes, which gives up the place)
     */
    static boolean readWhileParked(Connection c) {
        if (!c.buffer.hasRemaining()) {
            c.key.interestOps(0); // full: the client waits for us now; the queue wait still ends it
            return true;
        }
        try {
            return c.channel.read(c.buffer) >= 0;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A parked connection's queue wait is over.
     *
     * @return the 429 to answer, the call having left the queue; null when its place came just now
     *         (the loop's resume task is on its way)
     */
    GatewayError expire(Connection c) {
        Ticket ticket = c.ticket;
        if (ticket.cancel()) {
            c.ticket = null;
            c.parked = false;
            if (c.key != null && c.key.isValid()) {
                c.key.interestOps(SelectionKey.OP_READ); // a full buffer stopped reading; the 429's drain reads again
            }
            counters.function(ticket.function().name()).rejected();
            String callId = c.parkedCallId;
            c.parkedCallId = null;
            return tooMany(ticket.function(), expiredDetail(ticket.function()), false, callId);
        }
        c.deadlineNanos = clock.nanoTime() + maxWaitNanos;
        return null;
    }

    /** The call on this connection ended (answered, lost, cut or closed): its place, or its wait, is given up. */
    static void end(Connection c) {
        Ticket ticket = c.ticket;
        if (ticket != null) {
            c.ticket = null;
            c.parked = false;
            ticket.end();
        }
    }

    /** The 429 for a call that found the function's places and its queue full. */
    GatewayError refused(FunctionDescriptor function, String callId) {
        counters.function(function.name()).rejected();
        return tooMany(function, refusedDetail(function), true, callId);
    }

    /**
     * The body of a refused call is still unread (or only partly read), so the connection stays open
     * only when the loop finds it whole in the buffer; a wait that ran out always closes.
     */
    private GatewayError tooMany(FunctionDescriptor function, String detail, boolean mayKeepAlive, String callId) {
        Map<String, Object> fields = new HashMap<>(problemFields(function));
        String headers = GatewayError.RETRY_AFTER;
        if (callId != null) {
            fields.put("callId", callId);
            headers += "\r\n" + CallId.HEADER + ": " + callId;
        }
        return new GatewayError(429, detail, fields, headers, mayKeepAlive);
    }

    private String refusedDetail(FunctionDescriptor function) {
        return function.name() + " runs at most " + function.concurrency() + " calls at once and "
                + admission.queueCapacity() + " more are already waiting; retry later";
    }

    private String expiredDetail(FunctionDescriptor function) {
        return "waited " + TimeUnit.NANOSECONDS.toMillis(maxWaitNanos) + " ms for one of the " + function.concurrency()
                + " places of " + function.name() + "; retry later";
    }

    private Map<String, Object> problemFields(FunctionDescriptor function) {
        return Map.of("function", function.name(), "concurrency", function.concurrency(),
                "queue", admission.queueCapacity());
    }
}
