package org.faasj.worker.metrics;

/**
 * Rates between two counter readings, in the units {@link org.faasj.model.ScoreModel} takes.
 *
 * @param cpuPercent share of the whole machine (all cores) used, 0–100
 * @param rssMb      resident memory at the later reading
 * @param ioKbPerS   bytes read plus written per second, in KB
 */
public record LoadRates(double cpuPercent, double rssMb, double ioKbPerS) {

    /**
     * @param ticksPerSecond the kernel's USER_HZ (100 on Linux)
     * @param cores          processors available; cpu is a share of all of them
     */
    public static LoadRates between(ProcCounters earlier, ProcCounters later, double ticksPerSecond, int cores) {
        double seconds = (later.nanoTime() - earlier.nanoTime()) / 1e9;
        double rssMb = later.rssBytes() / (1024.0 * 1024.0);
        if (seconds <= 0) {
            return new LoadRates(0, rssMb, 0);
        }
        // a descendant's ticks move into its parent's cutime only when it is reaped, so the sum can
        // dip for a moment; a negative rate means nothing
        double cpuSeconds = Math.max(0, later.cpuTicks() - earlier.cpuTicks()) / ticksPerSecond;
        double cpuPercent = Math.min(100.0, cpuSeconds / seconds / Math.max(1, cores) * 100.0);
        double ioKbPerS = Math.max(0, later.ioBytes() - earlier.ioBytes()) / 1024.0 / seconds;
        return new LoadRates(cpuPercent, rssMb, ioKbPerS);
    }
}
