package org.faasj.worker.exec;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a function's stdout up to a cap. The buffer grows with the output, so the common small
 * answer costs a few KB, not the cap; each growth is charged to the worker's {@link OutputBudget}
 * first, and when the budget cannot spare it the capture stops ({@link #outOfBudget()}).
 */
final class OutputCapture {

    private static final int INITIAL = 8 * 1024;

    private byte[] buf = new byte[INITIAL];
    private int length;
    private boolean overflowed;
    private boolean outOfBudget;

    /** Reads until end of stream, or stops as soon as more than {@code cap} bytes arrived. */
    static OutputCapture read(InputStream in, int cap) throws IOException {
        return read(in, cap, OutputBudget.UNLIMITED.open());
    }

    /** As {@link #read(InputStream, int)}, charging every buffer beyond the first to {@code budget}. */
    static OutputCapture read(InputStream in, int cap, OutputBudget.Account budget) throws IOException {
        OutputCapture capture = new OutputCapture();
        capture.fill(in, cap, budget);
        return capture;
    }

    private void fill(InputStream in, int cap, OutputBudget.Account budget) throws IOException {
        while (true) {
            if (length == buf.length) {
                if (length > cap) {
                    overflowed = true;
                    return;
                }
                int grown = (int) Math.min((long) cap + 1, (long) buf.length * 2);
                // old and new buffer are both alive while copying
                if (!budget.tryCharge(grown)) {
                    outOfBudget = true;
                    return;
                }
                int old = buf.length;
                buf = Arrays.copyOf(buf, grown);
                budget.refund(old == INITIAL ? 0 : old);
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

    byte[] bytes() {
        return buf;
    }

    int length() {
        return length;
    }

    boolean overflowed() {
        return overflowed;
    }

    /** The worker's output budget could not spare the next buffer: the output is incomplete. */
    boolean outOfBudget() {
        return outOfBudget;
    }
}
