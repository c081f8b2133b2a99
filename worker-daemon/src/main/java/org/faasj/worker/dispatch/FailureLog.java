package org.faasj.worker.dispatch;

import java.util.function.LongSupplier;

import org.faasj.model.HandoffFrame;
import org.faasj.worker.exec.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a failed call's stderr goes, since the caller's 500 does not show it (unless the operator
 * exposes it): the worker's log, which is the control plane's stdout, one entry per failed call
 * naming the call id and the function. At INFO for the first {@value #INFO_PER_SECOND} failures of
 * each second, so an operator sees them without changing levels; past that at DEBUG, so a function
 * failing in a tight loop cannot flood the log.
 */
final class FailureLog {

    static final int INFO_PER_SECOND = 20;
    private static final Logger log = LoggerFactory.getLogger(FailureLog.class);

    private final LongSupplier clockMillis;
    private long windowStart;
    private int inWindow;
    private boolean started;

    FailureLog(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
    }

    /** Logs the outcome if the function failed on its own (non-zero exit, trap); anything else is not its stderr's story. */
    void record(HandoffFrame frame, Outcome outcome) {
        String what;
        String stderr;
        if (outcome instanceof Outcome.Exited exited && exited.exitCode() != 0) {
            what = "exited with code " + exited.exitCode();
            stderr = exited.stderrTail();
        } else if (outcome instanceof Outcome.Raised raised) {
            what = "failed in its handler (" + raised.message() + ")";
            stderr = raised.stderrTail();
        } else if (outcome instanceof Outcome.Trapped trap) {
            what = "trapped (" + trap.message() + ")";
            stderr = trap.stderrTail();
        } else {
            return;
        }
        String text = stderr == null || stderr.isBlank() ? "(empty)" : "(last 2 KiB)\n" + stderr.stripTrailing();
        if (atInfo()) {
            log.info("call {} of {} v{} {}; stderr {}", frame.callId(), frame.functionName(), frame.functionVersion(),
                    what, text);
        } else {
            log.debug("call {} of {} v{} {}; stderr {}", frame.callId(), frame.functionName(), frame.functionVersion(),
                    what, text);
        }
    }

    /** Only failed calls get here, so a lock costs the successful ones nothing. */
    synchronized boolean atInfo() {
        long now = clockMillis.getAsLong();
        if (!started || now - windowStart >= 1000 || now < windowStart) {
            started = true;
            windowStart = now;
            inWindow = 0;
        }
        return ++inWindow <= INFO_PER_SECOND;
    }
}
