package org.faasj.controlplane.logs;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The open follow streams, capped in number: each holds a thread and a relay place for up to an hour. */
public final class LogFollowers {

    private final int max;
    private final Set<LogFollower> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger count = new AtomicInteger();

    public LogFollowers(int max) {
        this.max = max;
    }

    /** A new follower, or null when {@code max} are open already. */
    LogFollower register(String function, String callId) {
        if (count.incrementAndGet() > max) {
            count.decrementAndGet();
            return null;
        }
        LogFollower follower = new LogFollower(function, callId, this);
        open.add(follower);
        return follower;
    }

    void remove(LogFollower follower) {
        if (open.remove(follower)) {
            count.decrementAndGet();
        }
    }

    void publish(List<LogLine> lines) {
        if (open.isEmpty()) {
            return;
        }
        for (LogFollower follower : open) {
            for (LogLine line : lines) {
                follower.offer(line);
            }
        }
    }

    public int open() {
        return count.get();
    }
}
