package org.faasj.controlplane.gateway;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.faasj.model.HttpHeader;

/**
 * Parses an HTTP/1.x request head straight from the connection's read buffer. Hand-written because
 * it runs once per request on the event loop: one pass over the bytes, strings only for what the
 * hand-off needs, and strict about what request smuggling hides behind (bare CR/LF, line folding,
 * conflicting Content-Length, Content-Length together with Transfer-Encoding).
 */
public final class HttpHeadParser {

    /** Longer than any registered method (the longest, UPDATEREDIRECTREF, has 17 characters). */
    static final int MAX_METHOD = 32;

    static final int MAX_HEADERS = 100;
    private static final String[] COMMON_METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"};
    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[Character.toUpperCase(c)] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private final int maxHeadBytes;

    public HttpHeadParser(int maxHeadBytes) {
        this.maxHeadBytes = maxHeadBytes;
    }

    /**
     * Finds the end of the head in {@code buf[0, limit)}, looking only at bytes from {@code scanFrom}
     * on so that a client trickling bytes costs linear time.
     *
     * @return the index just past the blank line, or -1 when the head is not complete yet
     * @throws HttpParseException 431 once the head cannot fit in the limit; 400 as soon as the bytes
     *                            cannot be an HTTP/1.1 head (no method first, a bare LF), so that
     *                            garbage or a TLS hello is answered at once and not at the head timeout
     */
    public int findHeadEnd(byte[] buf, int scanFrom, int limit) throws HttpParseException {
        int start = skipLeadingBlankLines(buf, limit);
        checkMethod(buf, start, limit);
        for (int i = Math.max(scanFrom, start + 3); i < limit; i++) {
            if (buf[i] == '\n') {
                if (buf[i - 1] != '\r') {
                    throw new HttpParseException(400, "bare LF in the request head; lines end with CRLF");
                }
                if (buf[i - 2] == '\n' && buf[i - 3] == '\r') {
                    return i + 1;
                }
            }
        }
        if (limit - start >= maxHeadBytes) {
            throw new HttpParseException(431, "request head is larger than " + maxHeadBytes + " bytes");
        }
        return -1;
    }

    /** Parses the complete head {@code buf[0, headEnd)} found by {@link #findHeadEnd}. */
    public RequestHead parse(byte[] buf, int headEnd) throws HttpParseException {
        if (headEnd - skipLeadingBlankLines(buf, headEnd) > maxHeadBytes) {
            throw new HttpParseException(431, "request head is larger than " + maxHeadBytes + " bytes");
        }
        return new Cursor(buf, skipLeadingBlankLines(buf, headEnd), headEnd).parse();
    }

    /** A request starts with a method: a token of at most {@link #MAX_METHOD} characters, then a space. */
    private static void checkMethod(byte[] buf, int start, int limit) throws HttpParseException {
        for (int i = start; i < limit && i - start <= MAX_METHOD; i++) {
            if (buf[i] == ' ' && i > start) {
                return;
            }
            if (!isTchar(buf[i])) {
                throw new HttpParseException(400, "not an HTTP request: it must start with a method such as GET");
            }
        }
        if (limit - start > MAX_METHOD) {
            throw new HttpParseException(400, "not an HTTP request: no method of at most " + MAX_METHOD + " characters");
        }
    }

    /** RFC 9112 asks servers to ignore at least one empty line before a request line. */
    private static int skipLeadingBlankLines(byte[] buf, int limit) {
        int p = 0;
        while (p + 1 < limit && buf[p] == '\r' && buf[p + 1] == '\n') {
            p += 2;
        }
        return p;
    }

    static boolean isTchar(byte b) {
        return b >= 0 && TCHAR[b];
    }

    /** One parse over one head. */
    private static final class Cursor {
        private final byte[] b;
        private final int end;
        private int p;

        private String method;
        private String path;
        private String query = "";
        private boolean http11;
        private final List<HttpHeader> headers = new ArrayList<>(12);
        private long contentLength = -1;
        private boolean chunked;
        private Boolean connectionKeepAlive;
        private boolean expectContinue;

        Cursor(byte[] b, int start, int end) {
            this.b = b;
            this.p = start;
            this.end = end;
        }

        RequestHead parse() throws HttpParseException {
            parseRequestLine();
            while (!atLineEnd()) {
                parseHeaderLine();
            }
            if (chunked && contentLength >= 0) {
                throw bad("both Content-Length and Transfer-Encoding sent");
            }
            boolean keepAlive = connectionKeepAlive != null ? connectionKeepAlive : http11;
            return new RequestHead(method, path, query, http11, headers, Math.max(0, contentLength),
                    chunked, keepAlive, expectContinue, end);
        }

        private void parseRequestLine() throws HttpParseException {
            int start = p;
            while (p < end && isTchar(b[p])) {
                p++;
            }
            if (p == start || p >= end || b[p] != ' ') {
                throw bad("malformed request line");
            }
            method = method(start, p);
            p++;
            parseTarget();
            parseVersion();
        }

        private void parseTarget() throws HttpParseException {
            int start = p;
            int queryAt = -1;
            while (p < end && b[p] != ' ') {
                byte c = b[p];
                if (c < 0x21 || c == 0x7f) {
                    throw bad("invalid character in request target");
                }
                if (c == '?' && queryAt < 0) {
                    queryAt = p;
                }
                if (c == '#') {
                    throw bad("fragment in request target");
                }
                p++;
            }
            if (p == start || p >= end) {
                throw bad("malformed request line");
            }
            if (b[start] != '/') {
                throw bad("request target must be an absolute path");
            }
            int pathEnd = queryAt < 0 ? p : queryAt;
            path = ascii(start, pathEnd);
            if (queryAt >= 0) {
                query = ascii(queryAt + 1, p);
            }
            p++;
        }

        private void parseVersion() throws HttpParseException {
            if (end - p < 10 || !startsWith("HTTP/")) {
                throw bad("malformed HTTP version");
            }
            byte major = b[p + 5];
            byte minor = b[p + 7];
            if (b[p + 6] != '.' || major < '0' || major > '9' || minor < '0' || minor > '9') {
                throw bad("malformed HTTP version");
            }
            if (major != '1') {
                throw new HttpParseException(505, "HTTP version " + (char) major + '.' + (char) minor + " is not supported");
            }
            http11 = minor != '0';
            p += 8;
            expectCrlf();
        }

        private void parseHeaderLine() throws HttpParseException {
            if (headers.size() >= MAX_HEADERS) {
                throw new HttpParseException(431, "more than " + MAX_HEADERS + " header fields");
            }
            if (b[p] == ' ' || b[p] == '\t') {
                throw bad("obsolete header line folding");
            }
            int nameStart = p;
            while (p < end && isTchar(b[p])) {
                p++;
            }
            if (p == nameStart || p >= end || b[p] != ':') {
                throw bad("malformed header field");
            }
            String name = ascii(nameStart, p);
            p++;
            skipOws();
            int valueStart = p;
            while (p < end && b[p] != '\r' && b[p] != '\n') {
                if (b[p] == 0) {
                    throw bad("NUL in header value");
                }
                p++;
            }
            int valueEnd = p;
            while (valueEnd > valueStart && (b[valueEnd - 1] == ' ' || b[valueEnd - 1] == '\t')) {
                valueEnd--;
            }
            String value = new String(b, valueStart, valueEnd - valueStart, StandardCharsets.ISO_8859_1);
            expectCrlf();
            headers.add(new HttpHeader(name, value));
            interpret(name, value);
        }

        private void interpret(String name, String value) throws HttpParseException {
            if (name.equalsIgnoreCase("Content-Length")) {
                long declared = parseContentLength(value);
                if (contentLength >= 0 && contentLength != declared) {
                    throw bad("conflicting Content-Length values");
                }
                contentLength = declared;
            } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                // only chunked frames a body we can find the end of; any other coding (gzip,
                // "gzip, chunked", a repeated field) is refused before its body can be misread
                if (chunked || !value.trim().equalsIgnoreCase("chunked")) {
                    throw new HttpParseException(501, "Transfer-Encoding '" + value.trim()
                            + "' is not supported; only chunked is");
                }
                chunked = true;
            } else if (name.equalsIgnoreCase("Connection")) {
                for (String token : value.split(",")) {
                    String t = token.trim();
                    if (t.equalsIgnoreCase("close")) {
                        connectionKeepAlive = false;
                    } else if (t.equalsIgnoreCase("keep-alive") && connectionKeepAlive == null) {
                        connectionKeepAlive = true;
                    }
                }
            } else if (name.equalsIgnoreCase("Expect")) {
                if (!value.equalsIgnoreCase("100-continue")) {
                    throw new HttpParseException(417, "unsupported expectation: " + value);
                }
                expectContinue = true;
            }
        }

        private long parseContentLength(String value) throws HttpParseException {
            if (value.isEmpty() || value.length() > 18) {
                throw bad("invalid Content-Length");
            }
            long n = 0;
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c < '0' || c > '9') {
                    throw bad("invalid Content-Length");
                }
                n = n * 10 + (c - '0');
            }
            return n;
        }

        private boolean atLineEnd() throws HttpParseException {
            if (p + 1 < end && b[p] == '\r' && b[p + 1] == '\n') {
                p += 2;
                return true;
            }
            if (p >= end) {
                throw bad("unterminated request head");
            }
            return false;
        }

        private void expectCrlf() throws HttpParseException {
            if (p + 1 >= end || b[p] != '\r' || b[p + 1] != '\n') {
                throw bad("lines must end with CRLF");
            }
            p += 2;
        }

        private void skipOws() {
            while (p < end && (b[p] == ' ' || b[p] == '\t')) {
                p++;
            }
        }

        private boolean startsWith(String s) {
            for (int i = 0; i < s.length(); i++) {
                if (b[p + i] != s.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        /** Common methods come back as shared constants, so most requests allocate no method string. */
        private String method(int from, int to) {
            for (String m : COMMON_METHODS) {
                if (m.length() == to - from && regionEquals(from, m)) {
                    return m;
                }
            }
            return ascii(from, to);
        }

        private boolean regionEquals(int from, String s) {
            for (int i = 0; i < s.length(); i++) {
                if (b[from + i] != s.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private String ascii(int from, int to) {
            return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
        }

        private static HttpParseException bad(String message) {
            return new HttpParseException(400, message);
        }
    }
}
