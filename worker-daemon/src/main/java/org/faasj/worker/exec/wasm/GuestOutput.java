package org.faasj.worker.exec.wasm;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.faasj.worker.exec.CallTrace;
import org.faasj.worker.exec.OutputBudget;

/**
 * What an in-process guest writes to stdout or stderr. Stdout keeps everything up to the cap and
 * stops the guest once it goes past it, as the process runner kills a function that writes too much;
 * stderr keeps its last bytes, which is all an error answer shows, and its first ones, which the
 * call's invocation record keeps.
 */
final class GuestOutput extends OutputStream {

    /** Thrown from inside the guest's {@code fd_write} to stop it. */
    static final class Overflow extends RuntimeException {
        Overflow() {
            super("output cap exceeded", null, false, false);
        }
    }

    private static final int INITIAL = 4 * 1024;
    private static final byte[] NONE = new byte[0];

    /** Thrown from inside the guest's {@code fd_write} when the worker's output budget is spent. */
    static final class OutOfBudget extends RuntimeException {
        OutOfBudget() {
            super("output budget spent", null, false, false);
        }
    }

    private final int cap;
    private final boolean keepTail;
    private final OutputBudget.Account budget;
    private final int headCap;
    /** Allocated at the first write, like {@link #head}: most guests write no stderr at all. */
    private byte[] buf = NONE;
    private int length;
    /** Allocated at the first write: most guests write no stderr at all. */
    private byte[] head;
    private int headLength;
    private long total;

    private GuestOutput(int cap, boolean keepTail, OutputBudget.Account budget, int headCap) {
        this.cap = cap;
        this.keepTail = keepTail;
        this.budget = budget;
        this.headCap = headCap;
    }

    static GuestOutput capped(int cap, OutputBudget.Account budget) {
        return new GuestOutput(cap, false, budget, 0);
    }

    static GuestOutput tail(int bytes) {
        return tail(bytes, 0);
    }

    /** Keeps the last {@code bytes} and the first {@code headBytes} written. */
    static GuestOutput tail(int bytes, int headBytes) {
        return new GuestOutput(bytes, true, OutputBudget.UNLIMITED.open(), headBytes);
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        if (keepTail) {
            appendHead(b, off, len);
            appendTail(b, off, len);
            return;
        }
        if ((long) length + len > cap) {
            throw new Overflow();
        }
        ensure(length + len);
        System.arraycopy(b, off, buf, length, len);
        length += len;
    }

    private void appendHead(byte[] b, int off, int len) {
        total += len;
        int room = headCap - headLength;
        if (room <= 0) {
            return;
        }
        if (head == null) {
            head = new byte[headCap];
        }
        int n = Math.min(room, len);
        System.arraycopy(b, off, head, headLength, n);
        headLength += n;
    }

    private void appendTail(byte[] b, int off, int len) {
        if (len >= cap) {
            ensure(cap);
            System.arraycopy(b, off + len - cap, buf, 0, cap);
            length = cap;
            return;
        }
        int keep = Math.min(length, cap - len);
        ensure(keep + len);
        System.arraycopy(buf, length - keep, buf, 0, keep);
        System.arraycopy(b, off, buf, keep, len);
        length = keep + len;
    }

    private void ensure(int size) {
        if (buf == NONE && size <= INITIAL) {
            buf = new byte[INITIAL]; // not charged: every output had this much before it was made lazy
            return;
        }
        if (size > buf.length) {
            int grown = (int) Math.min(Math.max((long) buf.length * 2, size), Math.max(cap, size));
            if (!budget.tryCharge(grown)) {
                throw new OutOfBudget();
            }
            int old = buf.length;
            buf = Arrays.copyOf(buf, grown);
            budget.refund(old == INITIAL ? 0 : old);
        }
    }

    byte[] bytes() {
        return buf;
    }

    int length() {
        return length;
    }

    /** The first bytes written, as {@link CallTrace#headText} words them; "" when nothing was kept. */
    String headText() {
        return headCap == 0 ? "" : CallTrace.headText(head, headLength, total);
    }

    String text() {
        return new String(buf, 0, length, StandardCharsets.UTF_8);
    }
}
