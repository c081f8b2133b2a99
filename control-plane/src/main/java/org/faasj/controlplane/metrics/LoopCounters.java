package org.faasj.controlplane.metrics;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What one gateway event loop counts: its own answers by status, failed hand-offs and relays.
 * Only the owning loop's thread writes (a plain read plus a release write: no lock, no CAS, no
 * allocation); the scrape reads from another thread. A loop that is replaced after dying gets the
 * same instance back, so the counts never go down.
 */
public final class LoopCounters {

    /** The statuses the gateway writes itself (see gateway.Triage, HttpHeadParser, GatewayError users). */
    static final int[] CODES = {400, 404, 405, 408, 413, 417, 429, 431, 500, 501, 502, 503, 504, 505};
    private static final int OTHER = CODES.length;
    private static final int HANDOFF_RETRIES = OTHER + 1;
    private static final int RELAYS = OTHER + 2;
    private static final int SIZE = RELAYS + 1;
    /** Status to slot, so the hot path does no search. */
    private static final byte[] SLOT_OF_STATUS = new byte[600];

    static {
        java.util.Arrays.fill(SLOT_OF_STATUS, (byte) OTHER);
        for (int i = 0; i < CODES.length; i++) {
            SLOT_OF_STATUS[CODES[i]] = (byte) i;
        }
    }

    private final boolean enabled;
    private final AtomicLongArray counts = new AtomicLongArray(SIZE);

    LoopCounters(boolean enabled) {
        this.enabled = enabled;
    }

    /** Counts nothing: for tests of the gateway, and when metrics are off. */
    public static LoopCounters disabled() {
        return new LoopCounters(false);
    }

    /** The gateway wrote an answer of its own with this status. */
    public void answered(int status) {
        if (enabled) {
            bump(status >= 0 && status < SLOT_OF_STATUS.length ? SLOT_OF_STATUS[status] : OTHER);
        }
    }

    /** A worker did not take a hand-off, and the next one is tried. */
    public void handoffRetried() {
        if (enabled) {
            bump(HANDOFF_RETRIES);
        }
    }

    /** A console, API or actuator request went to the relay. */
    public void relayed() {
        if (enabled) {
            bump(RELAYS);
        }
    }

    private void bump(int slot) {
        counts.setRelease(slot, counts.getPlain(slot) + 1);
    }

    /** Answers counted with this status (those not in {@link #CODES} all share one count). */
    public long answersOf(int status) {
        return counts.getAcquire(status >= 0 && status < SLOT_OF_STATUS.length ? SLOT_OF_STATUS[status] : OTHER);
    }

    long answers(int codeIndex) {
        return counts.getAcquire(codeIndex);
    }

    long otherAnswers() {
        return counts.getAcquire(OTHER);
    }

    long handoffRetries() {
        return counts.getAcquire(HANDOFF_RETRIES);
    }

    long relays() {
        return counts.getAcquire(RELAYS);
    }
}
