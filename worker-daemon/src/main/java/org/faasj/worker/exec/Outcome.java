package org.faasj.worker.exec;

import java.util.List;

import org.faasj.model.HttpHeader;

/**
 * How one invocation ended. Every runner reports one of these, so the HTTP mapping is the same for
 * all runtimes.
 */
public sealed interface Outcome {

    /** How much of the end of a function's stderr an outcome carries, whatever runs the function. */
    int STDERR_TAIL_BYTES = 2048;

    /** The function ran to its end; {@code stdout} holds {@code stdoutLength} bytes of output. */
    record Exited(int exitCode, byte[] stdout, int stdoutLength, String stderrTail) implements Outcome {
    }

    /**
     * A WASM guest stopped on a trap (unreachable, out-of-bounds access, call stack exhausted, its
     * memory limit), so it has no exit code; {@code message} says which.
     */
    record Trapped(String message, String stderrTail) implements Outcome {
    }

    /**
     * The client stopped sending its body before its end (closed, or silent past the body read
     * timeout): the function was killed or never started, and its output is never an answer.
     */
    record BodyIncomplete(BodySource.Cut cut) implements Outcome {
    }

    /** The request body was not valid (e.g. malformed chunked coding): 400. */
    record BadBody(String detail) implements Outcome {
    }

    /** The request body is larger than the worker accepts: 413. */
    record BodyTooLarge(long limitBytes) implements Outcome {
    }

    /** The wall-clock limit passed and the function was killed. */
    record TimedOut(int timeoutMillis) implements Outcome {
    }

    /** The function wrote more than the worker accepts and was killed. */
    record OutputTooLarge(long capBytes) implements Outcome {
    }

    /** The interpreter is not installed on this machine. */
    record RuntimeMissing(String program, String debianPackage) implements Outcome {
    }

    /** The function's artifact is not where the frame says. */
    record ModuleMissing(String path) implements Outcome {
    }

    /** This worker cannot run the function now (runtime not built in, or too busy); worth retrying. */
    record Unavailable(String detail) implements Outcome {

        /**
         * The call was cut off because this worker is stopping (its control plane went away or
         * shuts down): retryable elsewhere, so a 503, never the function's own 500.
         */
        public static Unavailable workerStopping() {
            return new Unavailable("the worker is stopping and cut the call off; retry");
        }
    }

    /** The worker itself failed to start or drive the function. */
    record LaunchFailed(String detail) implements Outcome {
    }

    /**
     * A handler-mode process answered the call: {@code status} and {@code headers} as the handler
     * set them (the worker's own framing headers already removed), {@code body} mapped like a
     * process's stdout unless {@code raw} (the handler gave its own Content-Type).
     */
    record Answered(int status, List<HttpHeader> headers, byte[] body, boolean raw)
            implements Outcome {
    }

    /**
     * A handler-mode call failed inside the process: an uncaught exception, a missing handler, or
     * the process ending without an answer; {@code message} says which (the trace is in its stderr).
     */
    record Raised(String message, String stderrTail) implements Outcome {
    }
}
