package org.faasj.controlplane.async;

import java.util.EnumMap;
import java.util.Map;

/**
 * One function's async calls counted by state, as an operator sees the backlog.
 *
 * @param counts         calls in each state; every state is present, 0 when it has none
 * @param oldestQueuedAt enqueue time (epoch millis) of the function's oldest queued call, 0 when none is queued
 */
public record Backlog(Map<CallState, Long> counts, long oldestQueuedAt) {

    public Backlog {
        Map<CallState, Long> all = new EnumMap<>(CallState.class);
        for (CallState s : CallState.values()) {
            all.put(s, counts.getOrDefault(s, 0L));
        }
        counts = Map.copyOf(all);
    }

    public long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }
}
