package org.faasj.controlplane.async;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Delays between attempts: exponential from {@code base}, capped, with "equal jitter" (half the
 * delay fixed, half random) so retries of calls that failed together spread out yet never come
 * back at once. A {@code Retry-After} in seconds from the function wins, bounded by an hour.
 */
final class Backoff {

    static final long MAX_RETRY_AFTER_SECONDS = 3600;

    private final long baseMillis;
    private final long capMillis;
    private final DoubleSupplier random;

    Backoff(Duration base, Duration cap, DoubleSupplier random) {
        this.baseMillis = Math.max(1, base.toMillis());
        this.capMillis = Math.max(baseMillis, cap.toMillis());
        this.random = random;
    }

    /**
     * The wait after failed attempt {@code attempt} (1 for the first).
     *
     * @param retryAfter the answer's {@code Retry-After}, or null; only delta-seconds are read
     */
    long delayMillis(int attempt, String retryAfter) {
        long seconds = retryAfterSeconds(retryAfter);
        if (seconds >= 0) {
            return Math.min(seconds, MAX_RETRY_AFTER_SECONDS) * 1000;
        }
        int doublings = Math.min(Math.max(0, attempt - 1), 30);
        long exponential = Math.min(capMillis, baseMillis << doublings);
        long half = exponential / 2;
        return half + (long) (random.getAsDouble() * (exponential - half));
    }

    /** Delta-seconds, or -1 (absent, an HTTP date, garbage). */
    static long retryAfterSeconds(String value) {
        if (value == null) {
            return -1;
        }
        String v = value.strip();
        if (v.isEmpty() || v.length() > 9) {
            return -1;
        }
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(v);
    }
}
