package org.faasj.controlplane.jmh;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.faasj.controlplane.gateway.HttpHeadParser;
import org.faasj.controlplane.gateway.HttpParseException;
import org.faasj.controlplane.gateway.RequestHead;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The gateway's per-request head work: {@link HttpHeadParser#findHeadEnd} over the bytes of one
 * read, then {@link HttpHeadParser#parse}. Two heads: what curl sends with a small JSON body, and a
 * browser navigation with 14 header fields. Run with benchmarks/jmh.sh (not a unit test).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HttpHeadParserBenchmark {

    static final String CURL = "POST /api/hello HTTP/1.1\r\n"
            + "Host: localhost:8080\r\n"
            + "User-Agent: curl/7.88.1\r\n"
            + "Accept: */*\r\n"
            + "Content-Type: application/json\r\n"
            + "Content-Length: 16\r\n"
            + "\r\n"
            + "{\"name\":\"Alice\"}";

    static final String BROWSER = "GET /api/info?lang=en&debug=0 HTTP/1.1\r\n"
            + "Host: faas.example.com:8080\r\n"
            + "Connection: keep-alive\r\n"
            + "sec-ch-ua: \"Chromium\";v=\"124\", \"Not-A.Brand\";v=\"99\"\r\n"
            + "sec-ch-ua-mobile: ?0\r\n"
            + "sec-ch-ua-platform: \"Linux\"\r\n"
            + "Upgrade-Insecure-Requests: 1\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36\r\n"
            + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8\r\n"
            + "Sec-Fetch-Site: same-origin\r\n"
            + "Sec-Fetch-Mode: navigate\r\n"
            + "Sec-Fetch-User: ?1\r\n"
            + "Sec-Fetch-Dest: document\r\n"
            + "Accept-Encoding: gzip, deflate, br, zstd\r\n"
            + "Accept-Language: en-US,en;q=0.9,de;q=0.8\r\n"
            + "\r\n";

    @Param({"curl", "browser"})
    public String head;

    private HttpHeadParser parser;
    private byte[] buf;
    private int limit;
    private int headEnd;

    @Setup
    public void setUp() throws HttpParseException {
        parser = new HttpHeadParser(16 * 1024);
        byte[] bytes = (head.equals("curl") ? CURL : BROWSER).getBytes(StandardCharsets.ISO_8859_1);
        buf = new byte[16 * 1024]; // the connection's read buffer, with the request at its start
        System.arraycopy(bytes, 0, buf, 0, bytes.length);
        limit = bytes.length;
        headEnd = parser.findHeadEnd(buf, 0, limit);
        RequestHead parsed = parser.parse(buf, headEnd);
        if (headEnd <= 0 || parsed.headers().size() < 5) {
            throw new IllegalStateException("benchmark head does not parse as expected");
        }
    }

    @Benchmark
    public int findHeadEnd() throws HttpParseException {
        return parser.findHeadEnd(buf, 0, limit);
    }

    @Benchmark
    public RequestHead parse() throws HttpParseException {
        return parser.parse(buf, headEnd);
    }

    /**
     * The reference the hand-written parser has to beat: the straightforward way (decode the bytes
     * to a String, find the blank line, split lines, split each header at ':' into a map), with no
     * validation at all. If this were as fast, the hand-written parser would not pay for itself.
     */
    @Benchmark
    public Map<String, String> referenceStringSplit() {
        String text = new String(buf, 0, limit, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        String[] lines = text.substring(0, end).split("\r\n");
        String[] requestLine = lines[0].split(" ");
        Map<String, String> headers = new HashMap<>();
        headers.put(":method", requestLine[0]);
        headers.put(":target", requestLine[1]);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        return headers;
    }

    /** What the event loop does for a request that arrived in one read. */
    @Benchmark
    public RequestHead findHeadEndAndParse() throws HttpParseException {
        return parser.parse(buf, parser.findHeadEnd(buf, 0, limit));
    }
}
