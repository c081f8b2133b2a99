package org.faasj.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.faasj.model.FunctionRuntime;
import org.faasj.worker.WorkerHarness.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Handler mode through a real worker and fork server (the IT covers the rest through the gateway). */
class HandlerModeWorkerTest {

    private static final String PHP = """
            <?php
            $calls = 0;
            $id = bin2hex(random_bytes(6));
            function main(array $r) {
                global $calls, $id;
                $calls++;
                echo "printed by call $calls\\n";
                $mode = $r['queryParams']['mode'] ?? '';
                if ($mode === 'boom') { throw new RuntimeException('boom'); }
                if ($mode === 'sleep') { sleep(5); }
                if ($mode === 'text') { return 'plain'; }
                if ($mode === 'made') { return faas_response(201, ['made' => true], ['X-Made' => 'yes']); }
                return ['id' => $id, 'calls' => $calls, 'method' => $r['method'], 'json' => $r['json']];
            }
            """;
    private static final String PY = """
            import faas
            calls = 0
            def main(request):
                global calls
                calls += 1
                print("printed by call", calls)
                if request["queryParams"].get("mode") == "boom":
                    raise ValueError("boom")
                if request["queryParams"].get("mode") == "made":
                    return faas.Response(202, "<b>x</b>", {"Content-Type": "text/html"})
                return {"calls": calls, "name": (request["json"] or {}).get("name")}
            """;

    @TempDir
    Path dir;
    WorkerHarness worker;

    @AfterEach
    void stop() throws IOException {
        if (worker != null) {
            worker.close();
        }
    }

    private Response call(Path fn, FunctionRuntime runtime, String fnName, int version, String query, String body)
            throws IOException {
        Frames f = Frames.of(runtime, fn).handler(fnName, version).get("/api/h", query).timeoutMillis(1_500);
        if (body != null) {
            f.body(body.getBytes(StandardCharsets.UTF_8)).header("Content-Type", "application/json");
        }
        return worker.call(f.build()).response();
    }

    @Test
    void phpKeepsItsProcessAndGlobalsAndReplacesItAfterAnExceptionOrATimeout() throws Exception {
        worker = WorkerHarness.start(dir);
        Path fn = worker.script("h.php", PHP);

        Response first = call(fn, FunctionRuntime.PHP, "h", 1, "", "{\"name\":\"Ada\"}");
        assertEquals(200, first.status(), first.text());
        assertTrue(first.text().contains("\"calls\":1") && first.text().contains("\"json\":{\"name\":\"Ada\"}"), first.text());
        Response second = call(fn, FunctionRuntime.PHP, "h", 1, "", null);
        assertTrue(second.text().contains("\"calls\":2"), second.text());
        assertEquals(id(first), id(second));

        assertEquals("{\"result\":\"plain\"}", call(fn, FunctionRuntime.PHP, "h", 1, "mode=text", null).text());
        Response made = call(fn, FunctionRuntime.PHP, "h", 1, "mode=made", null);
        assertEquals(201, made.status());
        assertEquals("yes", made.header("X-Made"));
        assertEquals("{\"made\":true}", made.text());

        Response boom = call(fn, FunctionRuntime.PHP, "h", 1, "mode=boom", null);
        assertEquals(500, boom.status());
        assertTrue(boom.text().contains("callId") && !boom.text().contains("boom in"), boom.text());
        Response after = call(fn, FunctionRuntime.PHP, "h", 1, "", null);
        assertTrue(after.text().contains("\"calls\":1"), "a fresh process: " + after.text());
        assertNotEquals(id(first), id(after));

        assertEquals(504, call(fn, FunctionRuntime.PHP, "h", 1, "mode=sleep", null).status());
        Response next = call(fn, FunctionRuntime.PHP, "h", 1, "", null);
        assertEquals(200, next.status());
        assertTrue(next.text().contains("\"calls\":1"), next.text());
    }

    @Test
    void pythonServesItsHandlerAndAResponseWithItsOwnContentType() throws Exception {
        worker = WorkerHarness.start(dir);
        Path fn = worker.script("h.py", PY);

        Response first = call(fn, FunctionRuntime.PYTHON, "p", 1, "", "{\"name\":\"Ada\"}");
        assertEquals(200, first.status(), first.text());
        assertEquals("{\"calls\":1,\"name\":\"Ada\"}", first.text());
        assertEquals("{\"calls\":2,\"name\":null}", call(fn, FunctionRuntime.PYTHON, "p", 1, "", null).text());
        Response made = call(fn, FunctionRuntime.PYTHON, "p", 1, "mode=made", null);
        assertEquals(202, made.status());
        assertTrue(made.header("Content-Type").startsWith("text/html"), made.header("Content-Type"));
        assertEquals("<b>x</b>", made.text());
        assertEquals(500, call(fn, FunctionRuntime.PYTHON, "p", 1, "mode=boom", null).status());
        assertEquals("{\"calls\":1,\"name\":null}", call(fn, FunctionRuntime.PYTHON, "p", 1, "", null).text());
        assertFalse(made.text().contains("printed"));
    }

    private static String id(Response r) {
        String t = r.text();
        int at = t.indexOf("\"id\":\"") + 6;
        return t.substring(at, t.indexOf('"', at));
    }
}
