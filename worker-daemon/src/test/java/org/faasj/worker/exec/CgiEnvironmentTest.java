package org.faasj.worker.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.faasj.model.FunctionRuntime;
import org.faasj.model.HandoffFrame;
import org.faasj.model.HttpHeader;
import org.faasj.model.Network;
import org.junit.jupiter.api.Test;

class CgiEnvironmentTest {

    private static HandoffFrame frame(Map<String, String> env, String query, List<HttpHeader> headers) {
        return new HandoffFrame(1, true, "hello", 4, FunctionRuntime.PHP, "/m/hello.php", "main", 64, 1000, 64, 64,
                Network.OUTBOUND, env, "POST", "/api/hello", query, headers, 12, new byte[0]);
    }

    @Test
    void startsEmptyAndSetsTheCgiVariables() {
        Map<String, String> env = CgiEnvironment.build(frame(Map.of(), "a=1",
                List.of(new HttpHeader("Content-Type", "application/json"), new HttpHeader("X-Request-Id", "r1"))),
                "/usr/bin:/bin", Path.of("/scratch/tmp"));

        assertEquals(Map.ofEntries(
                Map.entry("PATH", "/usr/bin:/bin"), Map.entry("LANG", "C.UTF-8"), Map.entry("TMPDIR", "/scratch/tmp"),
                Map.entry("GATEWAY_INTERFACE", "CGI/1.1"), Map.entry("SERVER_PROTOCOL", "HTTP/1.1"),
                Map.entry("REQUEST_METHOD", "POST"), Map.entry("PATH_INFO", "/api/hello"),
                Map.entry("SCRIPT_NAME", "/api/hello"), Map.entry("QUERY_STRING", "a=1"),
                Map.entry("CONTENT_TYPE", "application/json"), Map.entry("CONTENT_LENGTH", "12"),
                Map.entry("HTTP_X_REQUEST_ID", "r1"), Map.entry("FAAS_CALL_ID", "r1"), Map.entry("FAAS_ATTEMPT", "1"),
                Map.entry("FAAS_FUNCTION_NAME", "hello"),
                Map.entry("FAAS_FUNCTION_VERSION", "4")), env);
    }

    @Test
    void requestVariablesWinOverTheDescriptorEnv() {
        Map<String, String> env = CgiEnvironment.build(frame(Map.of("REQUEST_METHOD", "GET", "DB_URL", "x", "LANG", "de_DE"),
                null, List.of()), "/bin", Path.of("/t"));

        assertEquals("POST", env.get("REQUEST_METHOD"));
        assertEquals("x", env.get("DB_URL"));
        assertEquals("de_DE", env.get("LANG"), "descriptor env may change the defaults");
        assertEquals("", env.get("QUERY_STRING"));
        assertFalse(env.containsKey("CONTENT_TYPE"));
    }

    @Test
    void repeatedHeadersAreJoinedAndUnsafeOnesDropped() {
        Map<String, String> env = CgiEnvironment.build(frame(Map.of(), "", List.of(
                new HttpHeader("Accept", "a/b"), new HttpHeader("accept", "c/d"),
                new HttpHeader("Proxy", "http://evil"), new HttpHeader("Bad Name", "x"),
                new HttpHeader("Content-Length", "999"))), "/bin", Path.of("/t"));

        assertEquals("a/b, c/d", env.get("HTTP_ACCEPT"));
        assertFalse(env.containsKey("HTTP_PROXY"));
        assertFalse(env.keySet().stream().anyMatch(k -> k.contains(" ")));
        assertEquals("12", env.get("CONTENT_LENGTH"), "the frame's length, not a header, is authoritative");
        assertFalse(env.containsKey("HTTP_CONTENT_LENGTH"));
    }

    @Test
    void theCallIdIsPerRequestAndTraceparentPassesUnchanged() {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        HandoffFrame f = frame(Map.of("FAAS_CALL_ID", "from-descriptor"), "", List.of(new HttpHeader("traceparent", traceparent)));

        Map<String, String> env = CgiEnvironment.build(f, "/bin", Path.of("/t"));

        assertEquals("r1", env.get("FAAS_CALL_ID"), "the frame's id wins over the descriptor's env");
        assertEquals(traceparent, env.get("HTTP_TRACEPARENT"));
        assertEquals("from-descriptor", CgiEnvironment.stable(f, "/bin", Path.of("/t")).get("FAAS_CALL_ID"),
                "a warm process's exec environment holds nothing of the request; the prelude sets the id");
    }

    @Test
    void theAttemptComesFromTheFrameAndNotFromTheDescriptorOrAHeader() {
        HandoffFrame f = frame(Map.of("FAAS_ATTEMPT", "9"), "", List.of(new HttpHeader("X-Faas-Attempt", "7")));
        HandoffFrame retried = new HandoffFrame(f.requestId(), f.keepAlive(), f.functionName(), f.functionVersion(),
                f.runtime(), f.modulePath(), f.handler(), f.memoryMb(), f.timeoutMillis(), f.tmpMb(), f.processes(),
                f.network(), f.env(), f.method(), f.path(), f.query(), f.headers(), f.contentLength(), f.bodyPrefix(),
                f.chunked(), f.callId(), 0, f.mode(), f.concurrency(), 3);

        assertEquals("1", CgiEnvironment.build(f, "/bin", Path.of("/t")).get("FAAS_ATTEMPT"));
        assertEquals("3", CgiEnvironment.build(retried, "/bin", Path.of("/t")).get("FAAS_ATTEMPT"));
        assertFalse(CgiEnvironment.stable(frame(Map.of(), "", List.of()), "/bin", Path.of("/t")).containsKey("FAAS_ATTEMPT"),
                "per call: never in a warm process's exec environment");
    }
}
