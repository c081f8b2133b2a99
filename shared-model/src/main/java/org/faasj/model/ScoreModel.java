package org.faasj.model;

/**
 * The original platform's load score, kept so its scheduling behaves the same:
 * {@code score = 0.5·cpu + 0.3·mem + 0.2·io}, each input normalised to 0–100 and smoothed with an
 * exponential moving average ({@code 0.7·old + 0.3·new}). Instances are not thread-safe; one
 * sampler thread owns one.
 */
public final class ScoreModel {

    /** RSS at which mem reads 100. */
    public static final double MEM_FULL_SCALE_MB = 512.0;
    /** I/O rate at which io reads 100. */
    public static final double IO_FULL_SCALE_KB_PER_S = 10 * 1024.0;
    static final double KEEP = 0.7;

    private double cpu = Double.NaN;
    private double mem = Double.NaN;
    private double io = Double.NaN;

    /**
     * Feeds one sample.
     *
     * @param cpuPercent share of the whole machine's CPU time used, 0–100
     * @param rssMb      resident memory in MB
     * @param ioKbPerS   bytes read and written per second, in KB
     */
    public void sample(double cpuPercent, double rssMb, double ioKbPerS) {
        cpu = smooth(cpu, clamp(cpuPercent));
        mem = smooth(mem, clamp(rssMb / MEM_FULL_SCALE_MB * 100.0));
        io = smooth(io, clamp(ioKbPerS / IO_FULL_SCALE_KB_PER_S * 100.0));
    }

    public double cpu() {
        return zeroIfUnset(cpu);
    }

    public double mem() {
        return zeroIfUnset(mem);
    }

    public double io() {
        return zeroIfUnset(io);
    }

    public double score() {
        return score(cpu(), mem(), io());
    }

    public static double score(double cpu, double mem, double io) {
        return 0.5 * cpu + 0.3 * mem + 0.2 * io;
    }

    /** The first sample is taken as it is; later ones move the average by 30 %. */
    private static double smooth(double old, double sample) {
        return Double.isNaN(old) ? sample : KEEP * old + (1 - KEEP) * sample;
    }

    private static double clamp(double v) {
        if (Double.isNaN(v) || v < 0) {
            return 0;
        }
        return Math.min(100.0, v);
    }

    private static double zeroIfUnset(double v) {
        return Double.isNaN(v) ? 0 : v;
    }
}
