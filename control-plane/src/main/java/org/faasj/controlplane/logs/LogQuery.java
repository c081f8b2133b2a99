package org.faasj.controlplane.logs;

/**
 * Which lines of a function's log a reader wants.
 *
 * @param tail   at most this many, the newest
 * @param since  only lines at or after this time ({@link LogLine#isoTime}), or null
 * @param callId only this call's lines, or null
 */
public record LogQuery(int tail, String since, String callId) {

    boolean matches(LogLine line) {
        return (callId == null || callId.equals(line.callId())) && (since == null || line.time().compareTo(since) >= 0);
    }
}
