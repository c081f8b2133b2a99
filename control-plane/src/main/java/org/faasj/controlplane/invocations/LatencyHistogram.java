package org.faasj.controlplane.invocations;

/**
 * Fixed log-scale latency buckets for percentile estimates: 1.25x steps from 0.05 ms to 120 s
 * (66 buckets plus one below and one above), so an estimate is within about 12 % of the truth
 * and a slot's histogram is a small int array whatever the call rate.
 */
final class LatencyHistogram {

    static final double LOWEST_MS = 0.05;
    static final double STEP = 1.25;
    static final double HIGHEST_MS = 120_000;
    /** Upper bounds: bucket 0 is below {@code BOUNDS[0]}, bucket i in [BOUNDS[i-1], BOUNDS[i]), the last above all. */
    private static final double[] BOUNDS = bounds();
    static final int BUCKETS = BOUNDS.length + 1;

    private LatencyHistogram() {
    }

    private static double[] bounds() {
        int n = (int) Math.ceil(Math.log(HIGHEST_MS / LOWEST_MS) / Math.log(STEP)) + 1;
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            b[i] = LOWEST_MS * Math.pow(STEP, i);
        }
        return b;
    }

    static int bucketOf(double ms) {
        if (!(ms >= LOWEST_MS)) {
            return 0; // also NaN
        }
        int i = (int) Math.min(BOUNDS.length, Math.floor(Math.log(ms / LOWEST_MS) / Math.log(STEP)) + 1);
        // floating point can land one off at a bound
        while (i > 1 && ms < BOUNDS[i - 1]) {
            i--;
        }
        while (i < BOUNDS.length && ms >= BOUNDS[i]) {
            i++;
        }
        return i;
    }

    /** A bucket's representative value: the geometric middle of its bounds. */
    static double estimateOf(int bucket) {
        if (bucket == 0) {
            return LOWEST_MS;
        }
        if (bucket >= BOUNDS.length) {
            return BOUNDS[BOUNDS.length - 1];
        }
        return Math.sqrt(BOUNDS[bucket - 1] * BOUNDS[bucket]);
    }

    /**
     * The {@code q} quantile (0 &lt; q &le; 1) of counts in {@code histogram} holding {@code total}
     * values, or null for none.
     */
    static Double quantile(int[] histogram, long total, double q) {
        if (total <= 0) {
            return null;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < histogram.length; i++) {
            seen += histogram[i];
            if (seen >= rank) {
                return Math.round(estimateOf(i) * 1000) / 1000.0;
            }
        }
        return Math.round(estimateOf(histogram.length - 1) * 1000) / 1000.0;
    }
}
