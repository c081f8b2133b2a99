package org.faasj.controlplane.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class HttpHeadParserTest {

    private final HttpHeadParser parser = new HttpHeadParser(16 * 1024);

    private RequestHead parse(String raw) throws HttpParseException {
        byte[] b = raw.getBytes(StandardCharsets.ISO_8859_1);
        int end = parser.findHeadEnd(b, 0, b.length);
        assertTrue(end > 0, "head should be complete");
        return parser.parse(b, end);
    }

    private int statusOf(String raw) {
        return assertThrows(HttpParseException.class, () -> parse(raw)).status();
    }

    @Test
    void parsesRequestLineHeadersAndBodyFraming() throws Exception {
        RequestHead h = parse("POST /api/hello?x=1&y=2 HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
                + "Content-Length: 16\r\n\r\n{\"name\":\"Alice\"}");
        assertEquals("POST", h.method());
        assertEquals("/api/hello", h.path());
        assertEquals("x=1&y=2", h.query());
        assertEquals(16, h.contentLength());
        assertEquals("application/json", h.header("content-type"));
        assertTrue(h.http11());
        assertTrue(h.keepAlive());
        assertFalse(h.chunked());
        assertEquals(h.headLength(), "POST /api/hello?x=1&y=2 HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
                .length() + "Content-Length: 16\r\n\r\n".length());
    }

    @Test
    void connectionHeaderDecidesKeepAlive() throws Exception {
        assertFalse(parse("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").keepAlive());
        assertFalse(parse("GET / HTTP/1.0\r\n\r\n").keepAlive());
        assertTrue(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keepAlive());
    }

    @Test
    void incompleteHeadIsNotAnError() throws Exception {
        byte[] b = "GET /ping HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(-1, parser.findHeadEnd(b, 0, b.length));
    }

    @Test
    void findsTheEndWhenBytesArriveOneByOne() throws Exception {
        byte[] b = "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        int scanned = 0;
        int end = -1;
        for (int limit = 1; limit <= b.length && end < 0; limit++) {
            end = parser.findHeadEnd(b, scanned, limit);
            scanned = Math.max(0, limit - 3);
        }
        assertEquals(b.length, end);
    }

    @Test
    void leadingBlankLinesAreIgnored() throws Exception {
        assertEquals("/ping", parse("\r\n\r\nGET /ping HTTP/1.1\r\n\r\n").path());
    }

    @Test
    void headOverTheLimitIs431() {
        HttpHeadParser small = new HttpHeadParser(64);
        byte[] b = ("GET / HTTP/1.1\r\nX-Long: " + "a".repeat(100)).getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(431, assertThrows(HttpParseException.class, () -> small.findHeadEnd(b, 0, b.length)).status());
    }

    @Test
    void tooManyHeadersIs431() {
        String headers = "X-A: 1\r\n".repeat(HttpHeadParser.MAX_HEADERS + 1);
        assertEquals(431, statusOf("GET / HTTP/1.1\r\n" + headers + "\r\n"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "GARBAGE\\r\\n\\r\\n|400",
        "GET\\r\\n\\r\\n|400",
        "GET  / HTTP/1.1\\r\\n\\r\\n|400",
        "GET http://example.com/ HTTP/1.1\\r\\n\\r\\n|400",
        "GET / HTTP/2.0\\r\\n\\r\\n|505",
        "GET / HTTX/1.1\\r\\n\\r\\n|400",
        "GET /a#frag HTTP/1.1\\r\\n\\r\\n|400",
        "GET / HTTP/1.1\\r\\nBad Header: x\\r\\n\\r\\n|400",
        "GET / HTTP/1.1\\r\\nNoColon\\r\\n\\r\\n|400",
        "GET / HTTP/1.1\\r\\nA: b\\r\\n folded\\r\\n\\r\\n|400",
        "GET / HTTP/1.1\\r\\nContent-Length: -1\\r\\n\\r\\n|400",
        "GET / HTTP/1.1\\r\\nContent-Length: 1x\\r\\n\\r\\n|400",
        "GET / HTTP/1.1\\r\\nContent-Length: 1\\r\\nContent-Length: 2\\r\\n\\r\\n|400",
        "POST / HTTP/1.1\\r\\nContent-Length: 1\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n|400",
        "POST / HTTP/1.1\\r\\nExpect: magic\\r\\n\\r\\n|417",
        "GET / HTTP/1.1\\nHost: x\\r\\n\\r\\n|400",
    })
    void malformedHeadsAreRejectedWithTheRightStatus(String raw, int status) {
        assertEquals(status, statusOf(raw.replace("\\r", "\r").replace("\\n", "\n")));
    }

    @Test
    void expectContinueIsRecognised() throws Exception {
        assertTrue(parse("POST /x HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n").expectContinue());
    }

    @Test
    void chunkedIsFlagged() throws Exception {
        assertTrue(parse("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").chunked());
        assertTrue(parse("POST /x HTTP/1.1\r\nTransfer-Encoding:  Chunked \r\n\r\n").chunked());
    }

    @Test
    void garbageIsRefusedBeforeTheHeadIsComplete() {
        byte[] tlsHello = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03};
        assertEquals(400, assertThrows(HttpParseException.class, () -> parser.findHeadEnd(tlsHello, 0, tlsHello.length)).status());
        byte[] bareLf = "GET /ping HTTP/1.1\nHost: x\n".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(400, assertThrows(HttpParseException.class, () -> parser.findHeadEnd(bareLf, 0, bareLf.length)).status());
        byte[] noMethod = "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJ".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(400, assertThrows(HttpParseException.class, () -> parser.findHeadEnd(noMethod, 0, noMethod.length)).status());
    }

    @Test
    void aHeadStillArrivingIsNotGarbage() throws Exception {
        for (String part : new String[] {"G", "GET", "GET ", "GET /pi", "\r\nGET /ping HTTP/1.1\r\nHost"}) {
            byte[] b = part.getBytes(StandardCharsets.ISO_8859_1);
            assertEquals(-1, parser.findHeadEnd(b, 0, b.length), part);
        }
    }

    @Test
    void transferCodingsOtherThanChunkedAre501() {
        assertEquals(501, statusOf("POST /x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n"));
        assertEquals(501, statusOf("POST /x HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"));
        assertEquals(501, statusOf("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"));
    }
}
