package org.faasj.controlplane.gateway;

import java.util.Map;

/**
 * One of the gateway's own error answers, before it is written.
 *
 * @param status       HTTP status
 * @param detail       the problem's {@code detail}
 * @param extra        further members of the problem object
 * @param extraHeader  more header lines joined by CRLF, without a final one (e.g. {@code Allow: GET}), or null
 * @param mayKeepAlive whether the connection may serve another request after this answer (the
 *                     loop still decides: only when the client wants it and the body was consumed)
 */
record GatewayError(int status, String detail, Map<String, Object> extra, String extraHeader, boolean mayKeepAlive)
        implements Verdict {

    /** Overload is temporary: a client may try again after this long. */
    static final String RETRY_AFTER = "Retry-After: 1";

    /** An answer after which the connection always closes. */
    static GatewayError closing(int status, String detail) {
        return new GatewayError(status, detail, Map.of(), null, false);
    }

    /** A 503 (closing) for a gateway that cannot serve the call now, but may soon. */
    static GatewayError unavailable(String detail, Map<String, Object> extra) {
        return new GatewayError(503, detail, extra, RETRY_AFTER, false);
    }

    /** The same answer with one more header line (without CRLF). */
    GatewayError withHeader(String line) {
        return new GatewayError(status, detail, extra, extraHeader == null ? line : extraHeader + "\r\n" + line,
                mayKeepAlive);
    }

    static GatewayError of(HttpParseException e) {
        return closing(e.status(), e.getMessage());
    }

    byte[] response(boolean keepAlive) {
        return ProblemResponse.of(status, detail, keepAlive, extra, extraHeader);
    }
}
