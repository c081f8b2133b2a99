package org.faasj.worker.http;

import java.util.ArrayList;
import java.util.List;

import org.faasj.model.HttpHeader;

import org.faasj.worker.exec.BodySource;
import org.faasj.worker.exec.Outcome;
import org.faasj.worker.exec.OutputCapture;

import tools.jackson.core.JsonGenerator;

/**
 * Turns how an invocation ended into the HTTP response, the same way for every runtime.
 * A successful function's output that already looks like JSON goes out untouched; anything else
 * is wrapped as a JSON string. Failures are RFC 9457 problem documents carrying the call id; a
 * function's stderr is in them only when the operator chose to expose it (it may hold secrets and
 * host details), else it goes to the worker's log.
 */
public final class ResponseMapper {

    private ResponseMapper() {
    }

    /** Without a call id in the body and without stderr: for answers built before any call (the header still has the id). */
    public static HttpResponse map(Outcome outcome) {
        return map(outcome, null, false);
    }

    /**
     * @param callId       put into every problem body (null: none)
     * @param exposeStderr whether a failed function's stderr tail goes into the body
     */
    public static HttpResponse map(Outcome outcome, String callId, boolean exposeStderr) {
        if (outcome instanceof Outcome.Exited exited) {
            return exited.exitCode() == 0 ? success(exited) : failure(exited, callId, exposeStderr);
        }
        if (outcome instanceof Outcome.Trapped trap) {
            return trapped(trap, callId, exposeStderr);
        }
        if (outcome instanceof Outcome.Answered answered) {
            return answered(answered);
        }
        if (outcome instanceof Outcome.Raised raised) {
            return raised(raised, callId, exposeStderr);
        }
        return problemFor(outcome, callId);
    }

    private static HttpResponse problemFor(Outcome outcome, String callId) {
        if (outcome instanceof Outcome.BodyIncomplete b) {
            return b.cut() == BodySource.Cut.TIMED_OUT
                    ? problem(callId, 408, "Request body timed out", "the client stopped sending the request body")
                    : problem(callId, 400, "Request body incomplete", "the request body ended before its announced length");
        }
        if (outcome instanceof Outcome.BadBody b) {
            return problem(callId, 400, "Bad request body", b.detail());
        }
        if (outcome instanceof Outcome.BodyTooLarge b) {
            return problem(callId, 413, "Request body too large", "request body larger than the limit of " + b.limitBytes()
                    + " bytes");
        }
        if (outcome instanceof Outcome.TimedOut t) {
            return problem(callId, 504, "Function timed out",
                    "function did not finish within its timeout of " + t.timeoutMillis() + " ms");
        }
        if (outcome instanceof Outcome.OutputTooLarge o) {
            return problem(callId, 502, "Function output too large", "output larger than " + o.capBytes() + " bytes");
        }
        if (outcome instanceof Outcome.RuntimeMissing r) {
            return problem(callId, 503, "Runtime not installed", "runtime '" + r.program()
                    + "' is not installed on this worker (Debian package " + r.debianPackage() + ")");
        }
        if (outcome instanceof Outcome.ModuleMissing m) {
            return problem(callId, 500, "Function module missing", "function module not found: " + m.path());
        }
        if (outcome instanceof Outcome.Unavailable u) {
            return problem(callId, 503, "Service unavailable", u.detail()).withHeader("Retry-After", "1");
        }
        Outcome.LaunchFailed failed = (Outcome.LaunchFailed) outcome;
        return problem(callId, 500, "Function could not be started", failed.detail());
    }

    private static HttpResponse success(Outcome.Exited exited) {
        if (looksLikeJson(exited.stdout(), exited.stdoutLength())) {
            return new HttpResponse(200, HttpResponse.JSON, exited.stdout(), exited.stdoutLength(), List.of());
        }
        return JsonBodies.resultResponse(exited.stdout(), exited.stdoutLength());
    }

    /**
     * A handler's answer: with its own Content-Type the body goes out as it is; otherwise it maps
     * like a process's stdout (JSON passed through, other text wrapped as {@code result}), with the
     * handler's status and headers either way.
     */
    private static HttpResponse answered(Outcome.Answered a) {
        String contentType = null;
        List<HttpHeader> extra = new ArrayList<>(a.headers().size());
        for (HttpHeader h : a.headers()) {
            if (h.name().equalsIgnoreCase("Content-Type")) {
                contentType = h.value();
            } else {
                extra.add(h);
            }
        }
        HttpResponse base;
        if (a.raw() && contentType != null) {
            base = new HttpResponse(a.status(), contentType, a.body(), a.body().length, List.of());
        } else if (looksLikeJson(a.body(), a.body().length)) {
            base = new HttpResponse(a.status(), HttpResponse.JSON, a.body(), a.body().length, List.of());
        } else {
            base = JsonBodies.resultResponse(a.body(), a.body().length);
        }
        return new HttpResponse(a.status(), base.contentType(), base.body(), base.bodyLength(), extra);
    }

    private static HttpResponse raised(Outcome.Raised raised, String callId, boolean exposeStderr) {
        byte[] body = JsonBodies.problem(500, "Function failed", raised.message(),
                g -> callIdAndStderr(g, callId, exposeStderr ? raised.stderrTail() : null));
        return HttpResponse.of(500, HttpResponse.PROBLEM_JSON, body);
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
        if (outcome instanceof Outcome.Answered a && !a.raw() && !looksLikeJson(a.body(), a.body().length)) {
            return JsonBodies.resultBound(a.body(), a.body().length);
        }
        return 0;
    }

    private static HttpResponse failure(Outcome.Exited exited, String callId, boolean exposeStderr) {
        byte[] body = JsonBodies.problem(500, "Function failed", "function exited with code " + exited.exitCode(), g -> {
            g.writeNumberProperty("exitCode", exited.exitCode());
            callIdAndStderr(g, callId, exposeStderr ? exited.stderrTail() : null);
        });
        return HttpResponse.of(500, HttpResponse.PROBLEM_JSON, body);
    }

    private static HttpResponse trapped(Outcome.Trapped trap, String callId, boolean exposeStderr) {
        // the trap's message is the engine's, about the module's code: not the function's own output
        byte[] body = JsonBodies.problem(500, "Function trapped", "wasm trap: " + trap.message(), g -> {
            g.writeStringProperty("trap", trap.message());
            callIdAndStderr(g, callId, exposeStderr ? trap.stderrTail() : null);
        });
        return HttpResponse.of(500, HttpResponse.PROBLEM_JSON, body);
    }

    private static void callIdAndStderr(JsonGenerator g, String callId, String stderr) {
        if (callId != null) {
            g.writeStringProperty("callId", callId);
        }
        if (stderr != null) {
            g.writeStringProperty("stderr", stderr);
        }
    }

    private static HttpResponse problem(String callId, int status, String title, String detail) {
        return HttpResponse.of(status, HttpResponse.PROBLEM_JSON, JsonBodies.problem(status, title, detail,
                g -> callIdAndStderr(g, callId, null)));
    }

    /** First non-whitespace byte is '{' or '[': the function already speaks JSON. */
    static boolean looksLikeJson(byte[] output, int length) {
        return OutputCapture.looksLikeJson(output, length);
    }
}
