package org.faasj.worker.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.faasj.worker.exec.Outcome;
import org.junit.jupiter.api.Test;

class ResponseMapperTest {

    private static Outcome.Exited exited(int code, String stdout, String stderr) {
        byte[] out = stdout.getBytes(StandardCharsets.UTF_8);
        byte[] padded = java.util.Arrays.copyOf(out, out.length + 10); // length, not array size, counts
        return new Outcome.Exited(code, padded, out.length, stderr);
    }

    private static String body(HttpResponse r) {
        return new String(r.body(), 0, r.bodyLength(), StandardCharsets.UTF_8);
    }

    @Test
    void jsonOutputGoesOutUntouched() {
        HttpResponse r = ResponseMapper.map(exited(0, "  \n[1, 2]\n", ""));
        assertEquals(200, r.status());
        assertEquals("application/json", r.contentType());
        assertEquals("  \n[1, 2]\n", body(r));
    }

    @Test
    void otherOutputIsWrappedAndEscaped() {
        HttpResponse r = ResponseMapper.map(exited(0, "a \"q\" \\ \n\t\u0001 ü", ""));
        assertEquals("{\"result\":\"a \\\"q\\\" \\\\ \\n\\t\\u0001 ü\"}", body(r));
    }

    @Test
    void invalidUtf8BecomesReplacementCharacters() {
        HttpResponse r = ResponseMapper.map(new Outcome.Exited(0, new byte[] {'o', 'k', (byte) 0xff}, 3, ""));
        assertEquals("{\"result\":\"ok\uFFFD\"}", body(r));
    }

    @Test
    void nonZeroExitIsAProblemDocumentWithExitCodeAndCallIdButNoStderr() {
        HttpResponse r = ResponseMapper.map(exited(2, "ignored", "password=hunter2\n"), "c-1", false);
        assertEquals(500, r.status());
        assertEquals("application/problem+json", r.contentType());
        assertEquals("{\"type\":\"about:blank\",\"title\":\"Function failed\",\"status\":500,"
                + "\"detail\":\"function exited with code 2\",\"exitCode\":2,\"callId\":\"c-1\"}", body(r));
    }

    @Test
    void stderrIsInTheProblemOnlyWhenExposed() {
        HttpResponse r = ResponseMapper.map(exited(2, "ignored", "boom\n"), "c-1", true);
        assertEquals("{\"type\":\"about:blank\",\"title\":\"Function failed\",\"status\":500,"
                + "\"detail\":\"function exited with code 2\",\"exitCode\":2,\"callId\":\"c-1\",\"stderr\":\"boom\\n\"}",
                body(r));
        String trapped = body(ResponseMapper.map(new Outcome.Trapped("out of bounds", "secret"), "c-2", false));
        assertTrue(trapped.contains("\"trap\":\"out of bounds\",\"callId\":\"c-2\"}"), trapped);
        assertTrue(body(ResponseMapper.map(new Outcome.Trapped("x", "tail"), "c-2", true)).contains("\"stderr\":\"tail\""));
    }

    @Test
    void everyProblemNamesTheCallExceptThoseBuiltBeforeAnyCall() {
        assertTrue(body(ResponseMapper.map(new Outcome.TimedOut(250), "c-3", false)).endsWith(",\"callId\":\"c-3\"}"));
        assertFalse(body(ResponseMapper.map(new Outcome.Unavailable("busy"))).contains("callId"));
        assertFalse(body(ResponseMapper.map(exited(1, "", "boom"))).contains("boom"));
    }

    @Test
    void everyFailureHasItsStatus() {
        assertEquals(504, ResponseMapper.map(new Outcome.TimedOut(250)).status());
        assertTrue(body(ResponseMapper.map(new Outcome.TimedOut(250))).contains("250 ms"));
        assertTrue(body(ResponseMapper.map(new Outcome.OutputTooLarge(100))).contains("output larger than 100 bytes"));
        assertEquals(502, ResponseMapper.map(new Outcome.OutputTooLarge(100)).status());
        HttpResponse missing = ResponseMapper.map(new Outcome.RuntimeMissing("python3", "python3"));
        assertEquals(503, missing.status());
        assertTrue(body(missing).contains("Debian package python3"));
        assertEquals(500, ResponseMapper.map(new Outcome.ModuleMissing("/x")).status());
        HttpResponse busy = ResponseMapper.map(new Outcome.Unavailable("busy"));
        assertEquals(503, busy.status());
        assertEquals("Retry-After", busy.extraHeaders().get(0).name());
        assertEquals(500, ResponseMapper.map(new Outcome.LaunchFailed("x")).status());
    }

    @Test
    void detectsJsonByFirstNonWhitespaceByte() {
        assertTrue(ResponseMapper.looksLikeJson("\r\n {".getBytes(), 4));
        assertFalse(ResponseMapper.looksLikeJson("\"s\"".getBytes(), 3));
        assertFalse(ResponseMapper.looksLikeJson(new byte[0], 0));
    }

    private static Outcome.Answered answered(int status, String body, boolean raw, org.faasj.model.HttpHeader... headers) {
        return new Outcome.Answered(status, java.util.List.of(headers), body.getBytes(StandardCharsets.UTF_8), raw);
    }

    @Test
    void aHandlersAnswerMapsLikeStdoutWithItsStatusAndHeaders() {
        HttpResponse json = ResponseMapper.map(answered(201, "{\"n\":1}", false, new org.faasj.model.HttpHeader("X-A", "b")));
        assertEquals(201, json.status());
        assertEquals("application/json", json.contentType());
        assertEquals("{\"n\":1}", body(json));
        assertEquals(java.util.List.of(new org.faasj.model.HttpHeader("X-A", "b")), json.extraHeaders());

        HttpResponse text = ResponseMapper.map(answered(200, "hi", false));
        assertEquals("{\"result\":\"hi\"}", body(text));
        assertTrue(ResponseMapper.mappingBytes(answered(200, "hi", false)) > 0);
    }

    @Test
    void aHandlersOwnContentTypeSendsTheBodyAsItIs() {
        HttpResponse html = ResponseMapper.map(answered(200, "<p>hi</p>", true,
                new org.faasj.model.HttpHeader("Content-Type", "text/html"), new org.faasj.model.HttpHeader("X-A", "b")));
        assertEquals("text/html", html.contentType());
        assertEquals("<p>hi</p>", body(html));
        assertEquals(java.util.List.of(new org.faasj.model.HttpHeader("X-A", "b")), html.extraHeaders());
    }

    @Test
    void aHandlersExceptionIsA500WithTheCallIdAndStderrOnlyWhenExposed() {
        Outcome.Raised raised = new Outcome.Raised("uncaught ValueError in the handler", "Traceback: secret");
        HttpResponse hidden = ResponseMapper.map(raised, "call-9", false);
        assertEquals(500, hidden.status());
        assertTrue(body(hidden).contains("\"callId\":\"call-9\""));
        assertTrue(body(hidden).contains("uncaught ValueError"));
        assertFalse(body(hidden).contains("secret"));
        assertTrue(body(ResponseMapper.map(raised, "call-9", true)).contains("secret"));
    }
}
