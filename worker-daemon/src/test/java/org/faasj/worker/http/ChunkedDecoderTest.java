package org.faasj.worker.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChunkedDecoderTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Feeds the input in pieces of {@code piece} bytes; returns the decoded body. */
    private static String decode(String encoded, int piece, long max) throws Exception {
        ChunkedDecoder decoder = new ChunkedDecoder(max);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] in = ascii(encoded);
        int at = 0;
        while (at < in.length && !decoder.done()) {
            int n = Math.min(piece, in.length - at);
            at += decoder.feed(in, at, n, out);
        }
        assertTrue(decoder.done(), "body not ended: " + encoded);
        assertEquals(in.length, at, "bytes after the body were consumed");
        assertEquals(out.size(), decoder.decodedLength());
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 1000})
    void decodesWhateverTheBytesAreSplitInto(int piece) throws Exception {
        assertEquals("hello, world", decode("5\r\nhello\r\n2\r\n, \r\n5\r\nworld\r\n0\r\n\r\n", piece, 1 << 20));
    }

    @Test
    void hexSizesInEitherCaseAndLeadingZeros() throws Exception {
        String data = "x".repeat(26);
        assertEquals(data + data, decode("1a\r\n" + data + "\r\n001A\r\n" + data + "\r\n0\r\n\r\n", 4, 1 << 20));
    }

    @Test
    void extensionsAndTrailersAreIgnored() throws Exception {
        assertEquals("abc", decode("3;name=value;q=\"x y\"\r\nabc\r\n0 ; last\r\nX-Checksum: 1\r\nX-Other: 2\r\n\r\n", 1,
                1 << 20));
    }

    @Test
    void anEmptyBody() throws Exception {
        assertEquals("", decode("0\r\n\r\n", 1, 1 << 20));
    }

    @Test
    void stopsAtTheEndOfTheBodyAndLeavesTheNextRequest() throws Exception {
        ChunkedDecoder decoder = new ChunkedDecoder(100);
        byte[] in = ascii("2\r\nhi\r\n0\r\n\r\nGET /next HTTP/1.1\r\n\r\n");
        int used = decoder.feed(in, 0, in.length, new ByteArrayOutputStream());
        assertTrue(decoder.done());
        assertEquals("2\r\nhi\r\n0\r\n\r\n".length(), used);
    }

    @Test
    void safeReadAheadNeverReachesPastTheBody() throws Exception {
        String body = "4;e=1\r\nwxyz\r\n10\r\n0123456789abcdef\r\n0\r\nT: v\r\n\r\n";
        byte[] in = ascii(body + "NEXT REQUEST");
        ChunkedDecoder decoder = new ChunkedDecoder(1 << 20);
        int at = 0;
        while (!decoder.done()) {
            int n = decoder.safeReadAhead();
            assertTrue(n >= 1, "no progress possible");
            assertTrue(at + n <= body.length(), "read ahead of " + n + " at " + at + " passes the body's end");
            at += decoder.feed(in, at, n, new ByteArrayOutputStream());
        }
        assertEquals(body.length(), at);
        assertEquals(0, decoder.safeReadAhead());
    }

    @Test
    void aBodyOverTheLimitIsRefusedFromItsSizeLine() {
        ChunkedDecoder decoder = new ChunkedDecoder(10);
        byte[] in = ascii("6\r\nabcdef\r\n5\r\n");
        assertThrows(ChunkedDecoder.TooLargeException.class,
                () -> decoder.feed(in, 0, in.length, new ByteArrayOutputStream()));
    }

    @Test
    void aBodyOfExactlyTheLimitIsAccepted() throws Exception {
        assertEquals("abcdefghij", decode("6\r\nabcdef\r\n4\r\nghij\r\n0\r\n\r\n", 3, 10));
    }

    @Test
    void aHugeSizeDoesNotOverflow() {
        ChunkedDecoder decoder = new ChunkedDecoder(Long.MAX_VALUE / 32);
        byte[] in = ascii("fffffffffffffffffffff\r\n");
        assertThrows(ChunkedDecoder.TooLargeException.class,
                () -> decoder.feed(in, 0, in.length, new ByteArrayOutputStream()));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "x\r\n",                        // not a size
        "\r\n",                         // empty size line
        "-1\r\n",                       // sign
        "5\nhello\r\n0\r\n\r\n",        // bare LF after the size
        "5\r\nhello0\r\n\r\n",          // data longer than its size
        "5\r\nhello\n0\r\n\r\n",        // bare LF after the data
        "5 x\u0001\r\n",                // control byte in an extension
        "0\r\nX: 1\n\r\n",              // bare LF in the trailers
        "GET / HTTP/1.1\r\n",           // a request, not a body
    })
    void garbageIsMalformed(String encoded) {
        ChunkedDecoder decoder = new ChunkedDecoder(1 << 20);
        byte[] in = ascii(encoded);
        assertThrows(ChunkedDecoder.MalformedException.class,
                () -> decoder.feed(in, 0, in.length, new ByteArrayOutputStream()));
    }

    @Test
    void anEndlessExtensionOrTrailerIsRefused() {
        ChunkedDecoder ext = new ChunkedDecoder(1 << 20);
        byte[] longExt = ascii("1;" + "a".repeat(ChunkedDecoder.MAX_SIZE_LINE + 1));
        assertThrows(ChunkedDecoder.MalformedException.class,
                () -> ext.feed(longExt, 0, longExt.length, new ByteArrayOutputStream()));

        ChunkedDecoder trailers = new ChunkedDecoder(1 << 20);
        byte[] longTrailers = ascii("0\r\n" + ("X: " + "z".repeat(100) + "\r\n").repeat(ChunkedDecoder.MAX_TRAILERS / 100 + 1));
        assertThrows(ChunkedDecoder.MalformedException.class,
                () -> trailers.feed(longTrailers, 0, longTrailers.length, new ByteArrayOutputStream()));
    }

    @Test
    void anUnfinishedBodyIsNotDone() throws Exception {
        ChunkedDecoder decoder = new ChunkedDecoder(1 << 20);
        byte[] in = ascii("5\r\nhel");
        assertEquals(in.length, decoder.feed(in, 0, in.length, new ByteArrayOutputStream()));
        assertFalse(decoder.done());
    }
}
