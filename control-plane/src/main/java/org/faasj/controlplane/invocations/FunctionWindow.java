package org.faasj.controlplane.invocations;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One function's last hour in 10-second slots: a ring of {@value #SLOTS} slots, each with its
 * calls, errors and latency histogram. A slot is reused when the ring comes round to it, and its
 * histogram is only allocated once the slot sees a call, so a rarely called function costs little.
 */
final class FunctionWindow {

    static final long SLOT_MILLIS = 10_000;
    static final int SLOTS = 360;

    /** One 10-s slot, valid while {@code number} is the slot it counts. */
    private static final class Slot {
        long number = -1;
        long calls;
        long errors;
        int[] histogram;

        void reset(long n) {
            number = n;
            calls = 0;
            errors = 0;
            if (histogram != null) {
                Arrays.fill(histogram, 0);
            }
        }
    }

    /** A slot as the API shows it. */
    record Bucket(long startMillis, long calls, long errors, Double p50Ms, Double p99Ms) {
    }

    /** A window's totals and buckets. */
    record Summary(long calls, long errors, Double p50Ms, Double p99Ms, List<Bucket> buckets) {
    }

    private final Slot[] slots = new Slot[SLOTS];
    private volatile long lastSeenMillis;

    synchronized void add(long endMillis, long nowMillis, double durationMs, boolean error) {
        lastSeenMillis = nowMillis;
        long n = Math.min(endMillis, nowMillis) / SLOT_MILLIS;
        if (n <= nowMillis / SLOT_MILLIS - SLOTS) {
            return; // older than the window can show
        }
        Slot slot = slotFor(n);
        if (slot.number != n) {
            if (slot.number > n) {
                return; // the ring already moved past it
            }
            slot.reset(n);
        }
        slot.calls++;
        if (error) {
            slot.errors++;
        }
        if (slot.histogram == null) {
            slot.histogram = new int[LatencyHistogram.BUCKETS];
        }
        slot.histogram[LatencyHistogram.bucketOf(durationMs)]++;
    }

    private Slot slotFor(long n) {
        int i = (int) (n % SLOTS);
        if (slots[i] == null) {
            slots[i] = new Slot();
        }
        return slots[i];
    }

    /** The last {@code slotCount} slots up to the one holding {@code nowMillis}, oldest first, empty ones included. */
    synchronized Summary summary(long nowMillis, int slotCount) {
        long last = nowMillis / SLOT_MILLIS;
        int[] total = new int[LatencyHistogram.BUCKETS];
        long calls = 0;
        long errors = 0;
        List<Bucket> buckets = new ArrayList<>(slotCount);
        for (long n = last - slotCount + 1; n <= last; n++) {
            Slot slot = slots[(int) (n % SLOTS)];
            if (slot == null || slot.number != n || slot.calls == 0) {
                buckets.add(new Bucket(n * SLOT_MILLIS, 0, 0, null, null));
                continue;
            }
            buckets.add(new Bucket(n * SLOT_MILLIS, slot.calls, slot.errors,
                    LatencyHistogram.quantile(slot.histogram, slot.calls, 0.50),
                    LatencyHistogram.quantile(slot.histogram, slot.calls, 0.99)));
            calls += slot.calls;
            errors += slot.errors;
            for (int i = 0; i < total.length; i++) {
                total[i] += slot.histogram[i];
            }
        }
        return new Summary(calls, errors, LatencyHistogram.quantile(total, calls, 0.50),
                LatencyHistogram.quantile(total, calls, 0.99), buckets);
    }

    long lastSeenMillis() {
        return lastSeenMillis;
    }
}
