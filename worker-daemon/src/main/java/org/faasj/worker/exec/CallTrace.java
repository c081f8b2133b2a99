package org.faasj.worker.exec;

import java.nio.charset.StandardCharsets;

/**
 * What a runner learns about one call beyond its {@link Outcome}, for the call's invocation record:
 * whether a process was started for it, the first bytes of its stderr, what it cost (CPU time, peak
 * memory) and whether it ran into its memory limit. Written by the one thread that runs the call,
 * read by it after the runner returns.
 */
public final class CallTrace {

    /** A trace that keeps no stderr (tests, and calls nobody records). */
    public static CallTrace none() {
        return new CallTrace(0);
    }

    private final int stderrHeadBytes;
    private boolean coldStart;
    private String stderrHead = "";
    private long cpuMicros = -1;
    private long peakMemoryKb = -1;
    private boolean memoryLimitHit;

    /** {@code stderrHeadBytes}: how much of the call's stderr its record keeps (0: none). */
    public CallTrace(int stderrHeadBytes) {
        this.stderrHeadBytes = stderrHeadBytes;
    }

    public int stderrHeadBytes() {
        return stderrHeadBytes;
    }

    public boolean coldStart() {
        return coldStart;
    }

    public void coldStart(boolean cold) {
        coldStart = cold;
    }

    /** User + system CPU time of the call's processes (WASM: of its thread), -1 when not known. */
    public long cpuMicros() {
        return cpuMicros;
    }

    /** Peak resident memory of its processes (WASM: the guest's linear memory at its end), -1 when not known. */
    public long peakMemoryKb() {
        return peakMemoryKb;
    }

    public void usage(long cpu, long peakKb) {
        cpuMicros = cpu;
        peakMemoryKb = peakKb;
    }

    /** The runtime itself stopped the call at its memory limit (a WASM guest), whatever its stderr says. */
    public boolean memoryLimitHit() {
        return memoryLimitHit;
    }

    public void memoryLimitHit(boolean hit) {
        memoryLimitHit = hit;
    }

    /** The head of the call's stderr, ending in a line that counts the bytes not kept; "" when none. */
    public String stderrHead() {
        return stderrHead;
    }

    public void stderrHead(String head) {
        stderrHead = head == null ? "" : head;
    }

    /**
     * The text for the first {@code kept} bytes of {@code head} out of {@code total} written; a
     * truncated head gets a last line saying how many bytes were left out.
     */
    public static String headText(byte[] head, int kept, long total) {
        if (total <= 0 || kept <= 0) {
            return total > 0 ? notKept(total) : "";
        }
        String text = new String(head, 0, kept, StandardCharsets.UTF_8);
        if (total <= kept) {
            return text;
        }
        return (text.endsWith("\n") ? text : text + "\n") + notKept(total - kept);
    }

    private static String notKept(long bytes) {
        return "[" + bytes + " more bytes of stderr not kept]\n";
    }
}
