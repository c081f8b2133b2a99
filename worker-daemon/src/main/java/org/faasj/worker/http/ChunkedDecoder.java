package org.faasj.worker.http;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Decodes {@code Transfer-Encoding: chunked} (RFC 9112 section 7.1) incrementally, in whatever
 * pieces the bytes arrive. Extensions and trailer fields are read and ignored. Lines must end in
 * CRLF: a bare LF inside chunked framing is how request smuggling starts, so it is refused.
 *
 * <p>{@link #safeReadAhead()} says how many more bytes the body has at least, so a reader can take
 * that many from a socket without ever reading into the next request on the connection.
 */
public final class ChunkedDecoder {

    /** Longest chunk-size line (size, extensions), without its CRLF. */
    static final int MAX_SIZE_LINE = 4096;
    /** Longest trailer section. */
    static final int MAX_TRAILERS = 16 * 1024;
    /** "0" CRLF CRLF: the least a body can still hold at the start of a chunk-size line. */
    private static final int LAST_CHUNK = 5;

    /** The body is not valid chunked coding. */
    public static final class MalformedException extends Exception {
        MalformedException(String message) {
            super(message, null, false, false);
        }
    }

    /** The decoded body would be larger than the limit. */
    public static final class TooLargeException extends Exception {
        TooLargeException(String message) {
            super(message, null, false, false);
        }
    }

    private enum State { SIZE, EXTENSION, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER, TRAILER_LF, DONE }

    private final long maxBytes;
    private State state = State.SIZE;
    private long size;
    private int digits;
    private int lineLength;
    private boolean emptyLine = true;
    private int trailerBytes;
    private long decoded;

    public ChunkedDecoder(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public boolean done() {
        return state == State.DONE;
    }

    /** Bytes of data decoded so far. */
    public long decodedLength() {
        return decoded;
    }

    /** A lower bound on the bytes the body still has: reading this many never reads past its end. */
    public int safeReadAhead() {
        long least = switch (state) {
            case SIZE -> digits == 0 ? LAST_CHUNK : size == 0 ? 4 : 2 + size + 2 + LAST_CHUNK;
            case EXTENSION -> size == 0 ? 4 : 2 + size + 2 + LAST_CHUNK;
            case SIZE_LF -> size == 0 ? 3 : 1 + size + 2 + LAST_CHUNK;
            case DATA -> size + 2 + LAST_CHUNK;
            case DATA_CR -> 2 + LAST_CHUNK;
            case DATA_LF -> 1 + LAST_CHUNK;
            case TRAILER -> emptyLine ? 2 : 4;
            case TRAILER_LF -> emptyLine ? 1 : 3;
            case DONE -> 0;
        };
        return (int) Math.min(Integer.MAX_VALUE, least);
    }

    /**
     * Decodes {@code len} bytes from {@code b[off]}, writing chunk data to {@code data}. Returns the
     * bytes used: all of them, unless the body ended inside them.
     */
    public int feed(byte[] b, int off, int len, OutputStream data)
            throws MalformedException, TooLargeException, IOException {
        int i = off;
        int end = off + len;
        while (i < end && state != State.DONE) {
            if (state == State.DATA) {
                int n = (int) Math.min(size, end - i);
                data.write(b, i, n);
                decoded += n;
                size -= n;
                i += n;
                if (size == 0) {
                    state = State.DATA_CR;
                }
            } else {
                step(b[i++] & 0xFF);
            }
        }
        return i - off;
    }

    private void step(int c) throws MalformedException, TooLargeException {
        switch (state) {
            case SIZE -> sizeChar(c);
            case EXTENSION -> extensionChar(c);
            case SIZE_LF -> {
                expect(c, '\n', "chunk-size line");
                state = size == 0 ? State.TRAILER : State.DATA;
            }
            case DATA_CR -> {
                expect(c, '\r', "chunk data");
                state = State.DATA_LF;
            }
            case DATA_LF -> {
                expect(c, '\n', "chunk data");
                state = State.SIZE;
                size = 0;
                digits = 0;
                lineLength = 0;
            }
            case TRAILER -> trailerChar(c);
            case TRAILER_LF -> {
                expect(c, '\n', "trailer line");
                state = emptyLine ? State.DONE : State.TRAILER;
                emptyLine = true;
            }
            default -> throw new IllegalStateException(state.name());
        }
    }

    private void sizeChar(int c) throws MalformedException, TooLargeException {
        int value = Character.digit(c, 16);
        if (value >= 0) {
            size = size * 16 + value;
            digits++;
            if (size > maxBytes - decoded) {
                throw new TooLargeException("request body larger than the limit of " + maxBytes + " bytes");
            }
            return;
        }
        if (digits == 0) {
            throw new MalformedException("a chunk must start with its size in hex");
        }
        if (c == '\r') {
            state = State.SIZE_LF;
        } else if (c == ';' || c == ' ' || c == '\t') {
            state = State.EXTENSION;
            lineLength = digits + 1;
        } else {
            throw new MalformedException("unexpected byte 0x" + Integer.toHexString(c) + " in a chunk size");
        }
    }

    private void extensionChar(int c) throws MalformedException {
        if (c == '\r') {
            state = State.SIZE_LF;
            return;
        }
        if (isControl(c)) {
            throw new MalformedException("control byte 0x" + Integer.toHexString(c) + " in a chunk extension");
        }
        if (++lineLength > MAX_SIZE_LINE) {
            throw new MalformedException("chunk-size line longer than " + MAX_SIZE_LINE + " bytes");
        }
    }

    private void trailerChar(int c) throws MalformedException {
        if (++trailerBytes > MAX_TRAILERS) {
            throw new MalformedException("trailers longer than " + MAX_TRAILERS + " bytes");
        }
        if (c == '\r') {
            state = State.TRAILER_LF;
            return;
        }
        if (isControl(c)) {
            throw new MalformedException("control byte 0x" + Integer.toHexString(c) + " in the trailers");
        }
        emptyLine = false;
    }

    private static boolean isControl(int c) {
        return (c < 0x20 && c != '\t') || c == 0x7F;
    }

    private static void expect(int c, char wanted, String where) throws MalformedException {
        if (c != wanted) {
            throw new MalformedException((wanted == '\n' ? "CR without LF" : "missing CRLF") + " after the " + where);
        }
    }
}
