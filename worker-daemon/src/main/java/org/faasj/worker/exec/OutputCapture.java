package org.faasj.worker.exec;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a function's stdout up to a cap. The buffer grows with the output, so the common small
 * answer costs a few KB, not the cap; each growth is charged to the worker's {@link OutputBudget}
 * first, and when the budget cannot spare it the capture stops ({@link #outOfBudget()}).
 */
public final class OutputCapture {

    private static final int INITIAL = 8 * 1024;

    private byte[] buf = new byte[INITIAL];
    private int length;
    private boolean overflowed;
    private boolean outOfBudget;

    /** Outputs up to this size grow their buffer by doubling, charging as they go. */
    static final int SMALL_MAX = 256 * 1024;

    /** Reads until end of stream, or stops as soon as more than {@code cap} bytes arrived. */
    static OutputCapture read(InputStream in, int cap) throws IOException {
        return read(in, cap, OutputBudget.UNLIMITED.open(), 0);
    }

    /**
     * As {@link #read(InputStream, int)}, charging every buffer beyond the first to {@code budget},
     * waiting up to {@code waitNanos} each time for room.
     */
    public static OutputCapture read(InputStream in, int cap, OutputBudget.Account budget, long waitNanos) throws IOException {
        OutputCapture capture = new OutputCapture();
        capture.fill(in, cap, budget, waitNanos);
        return capture;
    }

    private void fill(InputStream in, int cap, OutputBudget.Account budget, long waitNanos) throws IOException {
        while (true) {
            if (length == buf.length) {
                if (length > cap) {
                    overflowed = true;
                    return;
                }
                if (!grow(cap, budget, waitNanos)) {
                    outOfBudget = true;
                    return;
                }
            }
            int n = in.read(buf, length, buf.length - length);
            if (n < 0) {
                return;
            }
            length += n;
            if (length > cap) {
                overflowed = true;
                return;
            }
        }
    }

    /**
     * Small outputs double their buffer. Past {@link #SMALL_MAX} the rest of the cap is taken at
     * once, in one buffer (no doubling peak of old plus new), together with the copy the JSON
     * wrapping will need if the output is not JSON: a call waiting here holds at most a small
     * buffer, so waiting calls never hold what the others wait for.
     */
    private boolean grow(int cap, OutputBudget.Account budget, long waitNanos) {
        int old = buf.length;
        int grown;
        if (old < SMALL_MAX) {
            grown = (int) Math.min((long) cap + 1, (long) old * 2);
            if (!budget.charge(grown, waitNanos)) {
                return false;
            }
        } else {
            grown = cap + 1;
            boolean json = looksLikeJson(buf, length);
            // one charge for both, so that nothing is held while waiting for the second
            if (!budget.charge(json ? grown : 2L * grown, waitNanos)) {
                return false;
            }
            if (!json) {
                budget.markPrepaid(grown);
            }
        }
        buf = Arrays.copyOf(buf, grown);
        budget.refund(old == INITIAL ? 0 : old);
        return true;
    }

    /** First non-whitespace byte is '{' or '[': the function already speaks JSON. */
    public static boolean looksLikeJson(byte[] output, int length) {
        for (int i = 0; i < length; i++) {
            byte b = output[i];
            if (b == ' ' || b == '\t' || b == '\n' || b == '\r') {
                continue;
            }
            return b == '{' || b == '[';
        }
        return false;
    }

    public byte[] bytes() {
        return buf;
    }

    public int length() {
        return length;
    }

    public boolean overflowed() {
        return overflowed;
    }

    /** The worker's output budget could not spare the next buffer: the output is incomplete. */
    public boolean outOfBudget() {
        return outOfBudget;
    }
}
