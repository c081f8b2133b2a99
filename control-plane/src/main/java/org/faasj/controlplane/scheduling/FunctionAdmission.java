package org.faasj.controlplane.scheduling;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.faasj.model.FunctionDescriptor;

/**
 * Per-function concurrency limits ({@code concurrency} in the descriptor) for the whole node: a call
 * of a limited function runs when fewer than its limit are running, else waits in a bounded FIFO
 * queue, else is refused. Shared by every event loop, so each function's count and queue sit behind
 * that function's own lock; functions without a limit never get here (the caller checks
 * {@link FunctionDescriptor#limited()} first, which costs nothing).
 *
 * <p>A call holds a {@link Ticket} from admission to its end. Ending it is idempotent and does the
 * right thing whatever the ticket's state (a waiting ticket leaves the queue, a running one frees
 * its place and wakes the next waiter), so every end path of a call can simply end its ticket.
 * Counting is by function name, not version: a redeploy does not double a function's calls, and a
 * changed limit applies from the next admission or release on.
 */
public final class FunctionAdmission {

    private final int queueCapacity;
    private final ConcurrentMap<String, Limit> limits = new ConcurrentHashMap<>();

    /** @param queueCapacity calls of one function that may wait for a place; 0 refuses at once past the limit */
    public FunctionAdmission(int queueCapacity) {
        if (queueCapacity < 0) {
            throw new IllegalArgumentException("queue capacity must not be negative, got " + queueCapacity);
        }
        this.queueCapacity = queueCapacity;
    }

    public int queueCapacity() {
        return queueCapacity;
    }

    /**
     * Asks for a place for one call of a limited function.
     *
     * @param onGrant run once, on whichever thread frees a place, when a queued ticket gets one; it
     *                must only pass the call on to its owner's thread, never block
     * @return a {@link Ticket.State#RUNNING} ticket (run now), a {@link Ticket.State#WAITING} one (park
     *         the call until {@code onGrant}), or null when the queue is full (refuse the call)
     */
    public Ticket admit(FunctionDescriptor function, Runnable onGrant) {
        if (!function.limited()) {
            throw new IllegalArgumentException(function.name() + " has no concurrency limit");
        }
        Limit limit = limits.get(function.name());
        if (limit == null) {
            limit = limits.computeIfAbsent(function.name(), name -> new Limit());
        }
        return limit.admit(function, queueCapacity, onGrant);
    }

    /** Calls of {@code function} running now (0 for a function never limited). */
    public int running(String function) {
        Limit limit = limits.get(function);
        return limit == null ? 0 : limit.running();
    }

    /** Calls of {@code function} waiting now. */
    public int waiting(String function) {
        Limit limit = limits.get(function);
        return limit == null ? 0 : limit.waiting();
    }

    /** One call's claim on its function's places. */
    public static final class Ticket {

        /** Where a ticket is; it only ever moves forward. */
        public enum State { WAITING, RUNNING, ENDED }

        private final Limit limit;
        private final FunctionDescriptor function;
        private final Runnable onGrant;
        /** Guarded by {@code limit}'s lock. */
        private State state;

        private Ticket(Limit limit, FunctionDescriptor function, State state, Runnable onGrant) {
            this.limit = limit;
            this.function = function;
            this.state = state;
            this.onGrant = onGrant;
        }

        public State state() {
            synchronized (limit) {
                return state;
            }
        }

        /** The function as it was when the call was admitted. */
        public FunctionDescriptor function() {
            return function;
        }

        /**
         * Gives up waiting (queue wait over, client gone).
         *
         * @return true when the ticket left the queue; false when it had been granted a place
         *         meanwhile (its {@code onGrant} is on its way and the call runs after all) or had ended
         */
        public boolean cancel() {
            synchronized (limit) {
                if (state != State.WAITING) {
                    return false;
                }
                limit.queue.remove(this);
                state = State.ENDED;
                return true;
            }
        }

        /** Ends the call whatever its state: leaves the queue or frees the place. Safe to call again. */
        public void end() {
            List<Ticket> granted;
            synchronized (limit) {
                State was = state;
                state = State.ENDED;
                if (was == State.WAITING) {
                    limit.queue.remove(this);
                    return;
                }
                if (was == State.ENDED) {
                    return;
                }
                limit.running--;
                granted = limit.grantLocked();
            }
            Limit.notifyGranted(granted);
        }
    }

    /** One function's count and queue. */
    private static final class Limit {

        private final ArrayDeque<Ticket> queue = new ArrayDeque<>();
        private int max;
        private int running;

        Ticket admit(FunctionDescriptor function, int queueCapacity, Runnable onGrant) {
            Ticket ticket;
            List<Ticket> granted;
            synchronized (this) {
                max = function.concurrency();
                granted = grantLocked(); // a raised limit frees places without any call ending
                if (queue.isEmpty() && running < max) {
                    running++;
                    ticket = new Ticket(this, function, Ticket.State.RUNNING, onGrant);
                } else if (queue.size() < queueCapacity) {
                    ticket = new Ticket(this, function, Ticket.State.WAITING, onGrant);
                    queue.addLast(ticket);
                } else {
                    ticket = null;
                }
            }
            notifyGranted(granted);
            return ticket;
        }

        /** Moves waiters into free places, oldest first; their callbacks run after the lock is let go. */
        private List<Ticket> grantLocked() {
            List<Ticket> granted = null;
            while (running < max && !queue.isEmpty()) {
                Ticket next = queue.pollFirst();
                next.state = Ticket.State.RUNNING;
                running++;
                if (granted == null) {
                    granted = new ArrayList<>(1);
                }
                granted.add(next);
            }
            return granted;
        }

        static void notifyGranted(List<Ticket> granted) {
            if (granted != null) {
                granted.forEach(t -> t.onGrant.run());
            }
        }

        synchronized int running() {
            return running;
        }

        synchronized int waiting() {
            return queue.size();
        }
    }
}
