package org.faasj.worker.spawn;

/**
 * What a finished process cost, as the fork server's {@code wait4} saw it: user + system CPU time
 * and peak resident memory of the process and the descendants it waited for (see faas-spawn.c,
 * {@code send_usage_and_exit}, for what that leaves out).
 *
 * @param cpuMicros CPU time in microseconds (saturated at {@link Integer#MAX_VALUE}), -1 when not known
 * @param peakRssKb peak resident set in KB, -1 when not known
 */
public record ProcessUsage(long cpuMicros, long peakRssKb) {

    /** A process whose usage never arrived (its server died, or it is still running). */
    public static final ProcessUsage UNKNOWN = new ProcessUsage(-1, -1);
}
