package org.faasj.controlplane.gateway;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads one HTTP/1.1 answer from a stream for {@link UnixLocalCalls}: status line, headers, and the
 * body framed by {@code Transfer-Encoding: chunked}, {@code Content-Length} or the end of the stream.
 * The body is kept up to a cap and the rest read and dropped, so the connection ends cleanly and
 * the caller still learns the status of an answer too large to keep. Interim 1xx answers are
 * skipped. Anything malformed is an {@link IOException} saying what was wrong.
 *
 * <p>The headers returned leave out the framing ones ({@code Content-Length}, {@code Transfer-Encoding},
 * {@code Connection}, {@code Keep-Alive}): the body handed back is decoded and maybe cut, so they
 * would no longer describe it.
 */
final class LocalAnswerReader {

    static final int MAX_LINE_BYTES = 16 * 1024;
    static final int MAX_HEADERS = 256;
    private static final int COPY_BUFFER = 8 * 1024;

    private final InputStream in;
    private final long maxBodyBytes;

    /** @param in a buffered stream: the head is read a byte at a time */
    LocalAnswerReader(InputStream in, long maxBodyBytes) {
        this.in = in;
        this.maxBodyBytes = Math.max(0, Math.min(maxBodyBytes, Integer.MAX_VALUE - 8)); // an array's limit
    }

    /** @param headRequest the request was HEAD, so the answer has no body whatever its headers say */
    LocalAnswer read(boolean headRequest) throws IOException {
        int status;
        List<Map.Entry<String, String>> headers;
        do {
            status = statusOf(line("status line"));
            headers = headers();
        } while (status >= 100 && status < 200);
        BodySink body = new BodySink(maxBodyBytes);
        String transferEncoding = LocalAnswer.first(headers, "Transfer-Encoding");
        if (headRequest || status == 204 || status == 304) {
            // no body
        } else if (transferEncoding != null) {
            if (!transferEncoding.strip().equalsIgnoreCase("chunked")) {
                throw new IOException("malformed answer: unsupported Transfer-Encoding '" + transferEncoding + "'");
            }
            chunked(body);
        } else {
            long length = contentLength(headers);
            if (length >= 0) {
                copy(body, length);
            } else {
                copyToEnd(body);
            }
        }
        return new LocalAnswer(status, withoutFraming(headers), body.bytes(), body.truncated);
    }

    private static int statusOf(String line) throws IOException {
        // "HTTP/1.1 200 OK"; the reason phrase may be empty or missing
        if (!line.startsWith("HTTP/1.") || line.length() < 12 || line.charAt(8) != ' '
                || (line.length() > 12 && line.charAt(12) != ' ')) {
            throw new IOException("malformed answer: bad status line '" + printable(line) + "'");
        }
        int status = 0;
        for (int i = 9; i < 12; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                throw new IOException("malformed answer: bad status line '" + printable(line) + "'");
            }
            status = status * 10 + (c - '0');
        }
        if (status < 100) {
            throw new IOException("malformed answer: status " + status);
        }
        return status;
    }

    private List<Map.Entry<String, String>> headers() throws IOException {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        String line;
        while (!(line = line("header")).isEmpty()) {
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(colon - 1) == ' ' || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new IOException("malformed answer: bad header line '" + printable(line) + "'");
            }
            if (headers.size() == MAX_HEADERS) {
                throw new IOException("malformed answer: more than " + MAX_HEADERS + " headers");
            }
            headers.add(new AbstractMap.SimpleImmutableEntry<>(line.substring(0, colon), line.substring(colon + 1).strip()));
        }
        return headers;
    }

    private static long contentLength(List<Map.Entry<String, String>> headers) throws IOException {
        long length = -1;
        for (Map.Entry<String, String> h : headers) {
            if (!h.getKey().equalsIgnoreCase("Content-Length")) {
                continue;
            }
            long value = parseDigits(h.getValue(), "Content-Length");
            if (length >= 0 && value != length) {
                throw new IOException("malformed answer: conflicting Content-Length values " + length + " and " + value);
            }
            length = value;
        }
        return length;
    }

    private void chunked(BodySink body) throws IOException {
        while (true) {
            String sizeLine = line("chunk size");
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).strip();
            long size = parseHex(hex);
            if (size == 0) {
                while (!line("trailer").isEmpty()) {
                    // trailers are dropped, as the worker drops a request's
                }
                return;
            }
            copy(body, size);
            if (!line("chunk end").isEmpty()) {
                throw new IOException("malformed answer: a chunk is longer than its size " + size);
            }
        }
    }

    private void copy(BodySink body, long length) throws IOException {
        byte[] buf = new byte[(int) Math.min(COPY_BUFFER, Math.max(1, length))];
        long left = length;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new EOFException("the answer ended after " + (length - left) + " of " + length + " body bytes");
            }
            body.add(buf, n);
            left -= n;
        }
    }

    private void copyToEnd(BodySink body) throws IOException {
        byte[] buf = new byte[COPY_BUFFER];
        int n;
        while ((n = in.read(buf)) >= 0) {
            body.add(buf, n);
        }
    }

    /** A line without its CRLF (a bare LF is taken too), as ISO-8859-1. */
    private String line(String what) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the answer ended inside its " + what
                        + (sb.isEmpty() ? "" : " ('" + printable(sb.toString()) + "')"));
            }
            if (b == '\n') {
                int end = sb.length();
                if (end > 0 && sb.charAt(end - 1) == '\r') {
                    sb.setLength(end - 1);
                }
                return sb.toString();
            }
            if (sb.length() == MAX_LINE_BYTES) {
                throw new IOException("malformed answer: a " + what + " line is longer than " + MAX_LINE_BYTES + " bytes");
            }
            sb.append((char) b);
        }
    }

    private static long parseDigits(String value, String what) throws IOException {
        String v = value.strip();
        if (v.isEmpty() || v.length() > 18) {
            throw new IOException("malformed answer: bad " + what + " '" + printable(value) + "'");
        }
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                throw new IOException("malformed answer: bad " + what + " '" + printable(value) + "'");
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private static long parseHex(String hex) throws IOException {
        if (hex.isEmpty() || hex.length() > 15) {
            throw new IOException("malformed answer: bad chunk size '" + printable(hex) + "'");
        }
        long n = 0;
        for (int i = 0; i < hex.length(); i++) {
            int d = Character.digit(hex.charAt(i), 16);
            if (d < 0) {
                throw new IOException("malformed answer: bad chunk size '" + printable(hex) + "'");
            }
            n = n * 16 + d;
        }
        return n;
    }

    private static List<Map.Entry<String, String>> withoutFraming(List<Map.Entry<String, String>> headers) {
        List<Map.Entry<String, String>> kept = new ArrayList<>(headers.size());
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey();
            if (!(name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")
                    || name.equalsIgnoreCase("Connection") || name.equalsIgnoreCase("Keep-Alive"))) {
                kept.add(h);
            }
        }
        return List.copyOf(kept);
    }

    /** At most 120 characters, control characters shown as '?', for an error message. */
    private static String printable(String s) {
        String cut = s.length() > 120 ? s.substring(0, 120) + "..." : s;
        StringBuilder sb = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return sb.toString();
    }

    /** The kept part of the body; what does not fit is counted and dropped. */
    private static final class BodySink {
        private final long cap;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        boolean truncated;

        BodySink(long cap) {
            this.cap = cap;
        }

        void add(byte[] buf, int n) {
            long room = cap - kept.size();
            if (n > room) {
                truncated = true;
            }
            int take = (int) Math.min(n, Math.max(0, room));
            kept.write(buf, 0, take);
        }

        byte[] bytes() {
            return kept.toByteArray();
        }
    }
}
