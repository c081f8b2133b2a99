package org.faasj.controlplane.gateway;

import java.util.List;

import org.faasj.model.HttpHeader;

/**
 * A parsed HTTP/1.x request head.
 *
 * @param method         request method, e.g. {@code GET}
 * @param path           target path without the query, as sent (not percent-decoded)
 * @param query          text after {@code ?}, empty when none
 * @param http11         true for HTTP/1.1, false for HTTP/1.0
 * @param headers        every header field in order
 * @param contentLength  declared body length, 0 when absent
 * @param chunked        whether a Transfer-Encoding was sent
 * @param keepAlive      whether the client wants the connection kept after the response
 * @param expectContinue whether the client waits for {@code 100 Continue} before sending the body
 * @param headLength     bytes of the head including the blank line
 */
public record RequestHead(
        String method,
        String path,
        String query,
        boolean http11,
        List<HttpHeader> headers,
        long contentLength,
        boolean chunked,
        boolean keepAlive,
        boolean expectContinue,
        int headLength) {

    /** The value of the first header with this name (case-insensitive), or null. */
    public String header(String name) {
        return HttpHeader.firstValue(headers, name);
    }
}
