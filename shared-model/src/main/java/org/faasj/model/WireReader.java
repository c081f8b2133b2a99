package org.faasj.model;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Reads what {@link WireWriter} wrote, refusing lengths that run past the buffer. */
final class WireReader {
    private final ByteBuffer in;

    WireReader(ByteBuffer in) {
        this.in = in;
    }

    int getInt() {
        return in.getInt();
    }

    long getLong() {
        return in.getLong();
    }

    boolean getBoolean() {
        return in.get() != 0;
    }

    /** An element count: never negative and never more than the bytes left could hold. */
    int getCount() {
        int n = in.getInt();
        if (n < 0 || n > in.remaining()) {
            throw new IllegalArgumentException("corrupt frame: count " + n);
        }
        return n;
    }

    String getString() {
        int n = in.getInt();
        if (n == -1) {
            return null;
        }
        return new String(take(n), StandardCharsets.UTF_8);
    }

    byte[] getBytes() {
        return take(in.getInt());
    }

    private byte[] take(int n) {
        if (n < 0 || n > in.remaining()) {
            throw new IllegalArgumentException("corrupt frame: length " + n);
        }
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }
}
