package org.faasj.worker.http;

import java.util.List;

import org.faasj.worker.exec.BodySource;
import org.faasj.worker.exec.Outcome;
import org.faasj.worker.exec.OutputCapture;

/**
 * Turns how an invocation ended into the HTTP response, the same way for every runtime.
 * A successful function's output that already looks like JSON goes out untouched; anything else
 * is wrapped as a JSON string. Failures are RFC 9457 problem documents.
 */
public final class ResponseMapper {

    private ResponseMapper() {
    }

    public static HttpResponse map(Outcome outcome) {
        if (outcome instanceof Outcome.Exited exited) {
            return exited.exitCode() == 0 ? success(exited) : failure(exited);
        }
        if (outcome instanceof Outcome.Trapped trap) {
            return trapped(trap);
        }
        if (outcome instanceof Outcome.BodyIncomplete b) {
            return b.cut() == BodySource.Cut.TIMED_OUT
                    ? problem(408, "Request body timed out", "the client stopped sending the request body")
                    : problem(400, "Request body incomplete", "the request body ended before its announced length");
        }
        if (outcome instanceof Outcome.BadBody b) {
            return problem(400, "Bad request body", b.detail());
        }
        if (outcome instanceof Outcome.BodyTooLarge b) {
            return problem(413, "Request body too large", "request body larger than the limit of " + b.limitBytes()
                    + " bytes");
        }
        if (outcome instanceof Outcome.TimedOut t) {
            return problem(504, "Function timed out",
                    "function did not finish within its timeout of " + t.timeoutMillis() + " ms");
        }
        if (outcome instanceof Outcome.OutputTooLarge o) {
            return problem(502, "Function output too large", "output larger than " + o.capBytes() + " bytes");
        }
        if (outcome instanceof Outcome.RuntimeMissing r) {
            return problem(503, "Runtime not installed", "runtime '" + r.program()
                    + "' is not installed on this worker (Debian package " + r.debianPackage() + ")");
        }
        if (outcome instanceof Outcome.ModuleMissing m) {
            return problem(500, "Function module missing", "function module not found: " + m.path());
        }
        if (outcome instanceof Outcome.Unavailable u) {
            return problem(503, "Service unavailable", u.detail()).withHeader("Retry-After", "1");
        }
        Outcome.LaunchFailed failed = (Outcome.LaunchFailed) outcome;
        return problem(500, "Function could not be started", failed.detail());
    }

    private static HttpResponse success(Outcome.Exited exited) {
        if (looksLikeJson(exited.stdout(), exited.stdoutLength())) {
            return new HttpResponse(200, HttpResponse.JSON, exited.stdout(), exited.stdoutLength(), List.of());
        }
        return JsonBodies.resultResponse(exited.stdout(), exited.stdoutLength());
    }

    /**
     * Heap the mapping of this outcome will allocate beyond what the outcome holds: the wrapped copy
     * of a successful output that is not JSON; small for everything else.
     */
    public static long mappingBytes(Outcome outcome) {
        if (outcome instanceof Outcome.Exited exited && exited.exitCode() == 0
                && !looksLikeJson(exited.stdout(), exited.stdoutLength())) {
            return JsonBodies.resultBound(exited.stdout(), exited.stdoutLength());
        }
        return 0;
    }

    private static HttpResponse failure(Outcome.Exited exited) {
        byte[] body = JsonBodies.problem(500, "Function failed", "function exited with code " + exited.exitCode(), g -> {
            g.writeNumberProperty("exitCode", exited.exitCode());
            g.writeStringProperty("stderr", exited.stderrTail());
        });
        return HttpResponse.of(500, HttpResponse.PROBLEM_JSON, body);
    }

    private static HttpResponse trapped(Outcome.Trapped trap) {
        byte[] body = JsonBodies.problem(500, "Function trapped", "wasm trap: " + trap.message(), g -> {
            g.writeStringProperty("trap", trap.message());
            g.writeStringProperty("stderr", trap.stderrTail());
        });
        return HttpResponse.of(500, HttpResponse.PROBLEM_JSON, body);
    }

    private static HttpResponse problem(int status, String title, String detail) {
        return HttpResponse.of(status, HttpResponse.PROBLEM_JSON, JsonBodies.problem(status, title, detail, g -> { }));
    }

    /** First non-whitespace byte is '{' or '[': the function already speaks JSON. */
    static boolean looksLikeJson(byte[] output, int length) {
        return OutputCapture.looksLikeJson(output, length);
    }
}
