package org.faasj.worker.exec;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a function's stdout up to a cap. The buffer grows with the output, so the common small
 * answer costs a few KB, not the cap.
 */
final class OutputCapture {

    private static final int INITIAL = 8 * 1024;

    private byte[] buf = new byte[INITIAL];
    private int length;
    private boolean overflowed;

    /** Reads until end of stream, or stops as soon as more than {@code cap} bytes arrived. */
    static OutputCapture read(InputStream in, int cap) throws IOException {
        OutputCapture capture = new OutputCapture();
        capture.fill(in, cap);
        return capture;
    }

    private void fill(InputStream in, int cap) throws IOException {
        while (true) {
            if (length == buf.length) {
                if (length > cap) {
                    overflowed = true;
                    return;
                }
                buf = Arrays.copyOf(buf, (int) Math.min((long) cap + 1, (long) buf.length * 2));
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
}
