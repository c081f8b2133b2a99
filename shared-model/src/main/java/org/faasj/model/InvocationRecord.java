package org.faasj.model;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * What one call did, in one record: who ran it, how it ended, how long it waited and ran, what it
 * cost, and the start of its stderr. Workers send these in batches ({@link #encodeBatch}) to the
 * control plane's calls socket; the gateway makes them itself for calls no worker answered.
 *
 * @param callId           the call's id ({@link CallId})
 * @param functionName     the function's name
 * @param functionVersion  the deployed version that ran (the frame's)
 * @param workerId         the supervisor's slot number of the worker, -1 when no worker answered
 * @param startedAtMillis  wall clock when the worker received the call (the gateway: when it gave up)
 * @param durationMicros   from receiving the call to the end of the answer (or of the attempt)
 * @param queueWaitMicros  time spent waiting for a concurrency place in the gateway plus for a worker thread
 * @param status           HTTP status the client was answered, 0 when it got no answer
 * @param outcome          why it ended so
 * @param exitCode         the function's exit code, -1 when it has none (killed, trapped, never started)
 * @param coldStart        the call started a new process (false: a pre-started one, or in-process WASM)
 * @param cpuMicros        user + system CPU time of the function's processes, -1 when not known
 * @param peakRssKb        peak resident memory of the function's processes, -1 when not known
 * @param stderr           the first bytes of what the function wrote to stderr (capped by the worker), never null
 */
public record InvocationRecord(
        String callId,
        String functionName,
        int functionVersion,
        int workerId,
        long startedAtMillis,
        long durationMicros,
        long queueWaitMicros,
        int status,
        InvocationOutcome outcome,
        int exitCode,
        boolean coldStart,
        long cpuMicros,
        long peakRssKb,
        String stderr) {

    /** Batches stay well below the default datagram limits of AF_UNIX sockets. */
    public static final int MAX_BATCH_BYTES = 60 * 1024;
    private static final int MAGIC = 0x46414331; // "FAC1"

    public InvocationRecord {
        if (stderr == null) {
            stderr = "";
        }
    }

    /**
     * Encodes records as one datagram payload (no length prefix). The caller keeps a batch under
     * {@link #MAX_BATCH_BYTES}, e.g. by adding records while {@link #encodedSize} says they fit.
     */
    public static byte[] encodeBatch(List<InvocationRecord> records) {
        WireWriter out = new WireWriter(8 + 128 * records.size());
        out.putInt(MAGIC);
        out.putInt(records.size());
        for (InvocationRecord r : records) {
            r.writeTo(out);
        }
        return out.toByteArray();
    }

    /** Decodes a payload {@link #encodeBatch} made; IllegalArgumentException for anything else. */
    public static List<InvocationRecord> decodeBatch(ByteBuffer in) {
        try {
            return readBatch(in);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated invocation record batch", e);
        }
    }

    private static List<InvocationRecord> readBatch(ByteBuffer in) {
        WireReader r = new WireReader(in);
        if (in.remaining() < 8 || r.getInt() != MAGIC) {
            throw new IllegalArgumentException("not an invocation record batch");
        }
        int n = r.getCount();
        List<InvocationRecord> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            records.add(readFrom(r));
        }
        if (in.hasRemaining()) {
            throw new IllegalArgumentException("corrupt invocation record batch: trailing bytes");
        }
        return records;
    }

    /** An upper bound of this record's bytes in a batch. */
    public int encodedSize() {
        // fixed fields plus the strings at up to 3 UTF-8 bytes per char, each with its length
        return 4 * 4 + 6 * 8 + 1 + 3 * (callId.length() + functionName.length() + outcome.name().length()
                + stderr.length()) + 4 * 4;
    }

    private void writeTo(WireWriter out) {
        out.putString(callId);
        out.putString(functionName);
        out.putInt(functionVersion);
        out.putInt(workerId);
        out.putLong(startedAtMillis);
        out.putLong(durationMicros);
        out.putLong(queueWaitMicros);
        out.putInt(status);
        out.putString(outcome.name());
        out.putInt(exitCode);
        out.putBoolean(coldStart);
        out.putLong(cpuMicros);
        out.putLong(peakRssKb);
        out.putString(stderr);
    }

    private static InvocationRecord readFrom(WireReader r) {
        String callId = r.getString();
        String functionName = r.getString();
        int functionVersion = r.getInt();
        int workerId = r.getInt();
        long startedAtMillis = r.getLong();
        long durationMicros = r.getLong();
        long queueWaitMicros = r.getLong();
        int status = r.getInt();
        String outcomeName = r.getString();
        if (outcomeName == null) {
            throw new IllegalArgumentException("corrupt invocation record: no outcome");
        }
        InvocationOutcome outcome = InvocationOutcome.valueOf(outcomeName);
        int exitCode = r.getInt();
        boolean coldStart = r.getBoolean();
        long cpuMicros = r.getLong();
        long peakRssKb = r.getLong();
        String stderr = r.getString();
        if (callId == null || functionName == null || !CallId.isWellFormed(callId)) {
            throw new IllegalArgumentException("corrupt invocation record");
        }
        return new InvocationRecord(callId, functionName, functionVersion, workerId, startedAtMillis, durationMicros,
                queueWaitMicros, status, outcome, exitCode, coldStart, cpuMicros, peakRssKb, stderr);
    }
}
