package org.faasj.controlplane.gateway;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The tasks other threads hand one event loop (acks from the worker links, new connections), and
 * the wake-up that goes with them: only while the loop is in, or about to enter, its select.
 *
 * <p>{@code Selector.wakeup} writes the selector's eventfd when no wake-up is pending, and the loop
 * then pays an extra select round and the eventfd's drain. perf (round 4) showed that write on a
 * link thread per completion ack, also when the loop was busy anyway and would have run the task
 * before selecting again. So the loop says when it is about to select ({@link #selecting}) and looks
 * at the queue once more after saying so; a producer wakes it only if it is selecting. Both sides
 * write their own volatile state before reading the other's (the queue's offer is a volatile
 * write), so at least one of them sees the other: either the producer wakes the loop, or the loop
 * sees the task and does not block.
 */
final class TaskInbox {

    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Runnable wakeup;
    private volatile boolean selecting;

    /** @param wakeup the selector's wakeup */
    TaskInbox(Runnable wakeup) {
        this.wakeup = wakeup;
    }

    /** Queues a task and wakes the loop if it is (about to be) blocked in select. Any thread. */
    void execute(Runnable task) {
        tasks.add(task);
        if (selecting) {
            wakeup.run();
        }
    }

    /** Queues a task without waking the loop: it runs after the loop's next select, whenever that returns. */
    void queue(Runnable task) {
        tasks.add(task);
    }

    /**
     * Loop thread, right before its select: from now on producers wake it. Returns true if tasks
     * already wait, and the loop should then not block (a {@code selectNow}).
     */
    boolean selecting() {
        selecting = true;
        return !tasks.isEmpty();
    }

    /** Loop thread, right after its select returned: producers stop waking it until the next {@link #selecting}. */
    void awake() {
        selecting = false;
    }

    /** The next task, or null; loop thread. */
    Runnable poll() {
        return tasks.poll();
    }
}
