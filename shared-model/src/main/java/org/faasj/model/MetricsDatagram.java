package org.faasj.model;

import java.nio.ByteBuffer;

/**
 * The load report a worker sends every 500 ms to the control plane's metrics socket.
 * cpu, mem and io are already normalised to 0–100 and smoothed (see {@link ScoreModel}).
 *
 * @param workerId  the supervisor's slot number of the worker
 * @param pid       the worker's process id, so reports from a replaced worker can be told apart
 * @param sentAtMillis wall clock of the sender
 * @param inFlight  requests the worker is executing right now
 * @param completed requests the worker has finished since it started
 * @param rssBytes  resident memory of the worker and its running function processes
 */
public record MetricsDatagram(
        int workerId,
        long pid,
        long sentAtMillis,
        double cpu,
        double mem,
        double io,
        double score,
        int inFlight,
        long completed,
        long rssBytes) {

    public static final int BYTES = 4 + 4 + 8 + 8 + 4 * 8 + 4 + 8 + 8;
    private static final int MAGIC = 0x46414D31; // "FAM1"

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(BYTES);
        b.putInt(MAGIC).putInt(workerId).putLong(pid).putLong(sentAtMillis)
                .putDouble(cpu).putDouble(mem).putDouble(io).putDouble(score)
                .putInt(inFlight).putLong(completed).putLong(rssBytes);
        return b.array();
    }

    /** Decodes one datagram; throws IllegalArgumentException for anything that is not one. */
    public static MetricsDatagram decode(ByteBuffer in) {
        if (in.remaining() != BYTES || in.getInt() != MAGIC) {
            throw new IllegalArgumentException("not a metrics datagram");
        }
        return new MetricsDatagram(in.getInt(), in.getLong(), in.getLong(),
                in.getDouble(), in.getDouble(), in.getDouble(), in.getDouble(),
                in.getInt(), in.getLong(), in.getLong());
    }
}
