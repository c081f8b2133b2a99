package org.faasj.controlplane.invocations;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import org.faasj.controlplane.calls.CallListener;
import org.faasj.model.InvocationOutcome;
import org.faasj.model.InvocationRecord;

/**
 * Per-function rolling statistics over the last hour, from every record (the store is capped, the
 * counts are not). Bounded: a function not called for an hour is forgotten, and at most
 * {@value #MAX_FUNCTIONS} functions are kept (a new one then replaces the one idle longest); a
 * function with calls in every slot costs about 100 KB.
 */
final class CallStats implements CallListener {

    static final int MAX_FUNCTIONS = 256;
    static final long IDLE_MILLIS = 3_600_000;
    private static final long SWEEP_MILLIS = 60_000;

    private final Map<String, FunctionWindow> windows = new ConcurrentHashMap<>();
    private final LongSupplier clock;
    private long lastSweep;

    CallStats(LongSupplier clock) {
        this.clock = clock;
    }

    @Override
    public void onCalls(List<InvocationRecord> records) {
        long now = clock.getAsLong();
        for (InvocationRecord r : records) {
            window(r.functionName(), now).add(r.startedAtMillis() + r.durationMicros() / 1000, now,
                    r.durationMicros() / 1000.0, r.outcome() != InvocationOutcome.OK);
        }
        if (now - lastSweep >= SWEEP_MILLIS) {
            lastSweep = now;
            windows.values().removeIf(w -> now - w.lastSeenMillis() > IDLE_MILLIS);
        }
    }

    private FunctionWindow window(String function, long now) {
        FunctionWindow w = windows.get(function);
        if (w != null) {
            return w;
        }
        if (windows.size() >= MAX_FUNCTIONS) {
            windows.entrySet().stream().min(Map.Entry.comparingByValue(Comparator.comparingLong(FunctionWindow::lastSeenMillis)))
                    .ifPresent(oldest -> windows.remove(oldest.getKey()));
        }
        return windows.computeIfAbsent(function, f -> new FunctionWindow());
    }

    /** The last {@code windowSeconds} of a function, or empty when it had no call in the last hour. */
    Optional<FunctionWindow.Summary> summary(String function, int windowSeconds) {
        FunctionWindow w = windows.get(function);
        return w == null ? Optional.empty() : Optional.of(w.summary(clock.getAsLong(), slots(windowSeconds)));
    }

    /** An all-empty window, for a function that is deployed but was not called lately. */
    FunctionWindow.Summary empty(int windowSeconds) {
        return new FunctionWindow().summary(clock.getAsLong(), slots(windowSeconds));
    }

    private static int slots(int windowSeconds) {
        return (int) Math.ceil(windowSeconds * 1000.0 / FunctionWindow.SLOT_MILLIS);
    }
}
