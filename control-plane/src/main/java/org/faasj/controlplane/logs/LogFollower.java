package org.faasj.controlplane.logs;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One open {@code follow=true} stream: new lines of its function are offered to its queue by the
 * log writer and taken by the thread that writes the stream. A client that reads slower than its
 * function logs loses lines (counted) rather than slowing the writer down.
 */
public final class LogFollower implements AutoCloseable {

    static final int QUEUE_LINES = 4096;

    private final String function;
    private final String callId;
    private final LogFollowers registry;
    private final BlockingQueue<LogLine> queue = new ArrayBlockingQueue<>(QUEUE_LINES);
    private final AtomicLong dropped = new AtomicLong();

    LogFollower(String function, String callId, LogFollowers registry) {
        this.function = function;
        this.callId = callId;
        this.registry = registry;
    }

    void offer(LogLine line) {
        if (line.function().equals(function) && (callId == null || callId.equals(line.callId())) && !queue.offer(line)) {
            dropped.incrementAndGet();
        }
    }

    /** The next line, or null when none came within the wait. */
    public LogLine poll(long waitMillis) throws InterruptedException {
        return queue.poll(waitMillis, TimeUnit.MILLISECONDS);
    }

    /** Lines lost because this follower's reader fell behind. */
    public long dropped() {
        return dropped.get();
    }

    @Override
    public void close() {
        registry.remove(this);
    }
}
