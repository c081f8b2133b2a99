package org.faasj.controlplane.gateway;

import java.util.Map;

/**
 * One of the gateway's own error answers, before it is written.
 *
 * @param status       HTTP status
 * @param detail       the problem's {@code detail}
 * @param extra        further members of the problem object
 * @param extraHeader  one more header line without CRLF (e.g. {@code Allow: GET}), or null
 * @param mayKeepAlive whether the connection may serve another request after this answer (the
 *                     loop still decides: only when the client wants it and the body was consumed)
 */
record GatewayError(int status, String detail, Map<String, Object> extra, String extraHeader, boolean mayKeepAlive)
        implements Verdict {

    /** An answer after which the connection always closes. */
    static GatewayError closing(int status, String detail) {
        return new GatewayError(status, detail, Map.of(), null, false);
    }

    static GatewayError of(HttpParseException e) {
        return closing(e.status(), e.getMessage());
    }

    byte[] response(boolean keepAlive) {
        return ProblemResponse.of(status, detail, keepAlive, extra, extraHeader);
    }
}
