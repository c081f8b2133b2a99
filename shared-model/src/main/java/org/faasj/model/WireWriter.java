package org.faasj.model;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable big-endian byte writer for the binary frames; strings are UTF-8 with an int length (-1 for null). */
final class WireWriter {
    private byte[] buf;
    private int pos;

    WireWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    void skipLength() {
        putInt(0);
    }

    void putInt(int v) {
        ensure(4);
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }

    void putBoolean(boolean v) {
        ensure(1);
        buf[pos++] = (byte) (v ? 1 : 0);
    }

    void putString(String s) {
        if (s == null) {
            putInt(-1);
            return;
        }
        putBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    void putBytes(byte[] b) {
        putInt(b.length);
        ensure(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
    }

    /** Writes the payload length into the first four bytes and returns the frame. */
    byte[] finishWithLength() {
        int payload = pos - 4;
        buf[0] = (byte) (payload >>> 24);
        buf[1] = (byte) (payload >>> 16);
        buf[2] = (byte) (payload >>> 8);
        buf[3] = (byte) payload;
        return Arrays.copyOf(buf, pos);
    }

    /** The bytes written so far (for payloads without a length prefix). */
    byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    private void ensure(int n) {
        if (pos + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }
    }
}
