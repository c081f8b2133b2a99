package org.faasj.worker.http;

import java.util.ArrayList;
import java.util.List;

import org.faasj.model.HttpHeader;

/**
 * A response before the per-connection headers are added.
 *
 * @param body       bytes of which the first {@code bodyLength} are sent (lets function output go
 *                   out without another copy)
 * @param extraHeaders headers beyond the ones every response carries
 */
public record HttpResponse(int status, String contentType, byte[] body, int bodyLength, List<HttpHeader> extraHeaders) {

    public static final String JSON = "application/json";
    public static final String PROBLEM_JSON = "application/problem+json";

    public HttpResponse {
        if (bodyLength < 0 || bodyLength > body.length) {
            throw new IllegalArgumentException("bodyLength " + bodyLength + " outside the body");
        }
        extraHeaders = List.copyOf(extraHeaders);
    }

    public static HttpResponse of(int status, String contentType, byte[] body) {
        return new HttpResponse(status, contentType, body, body.length, List.of());
    }

    public HttpResponse withHeader(String name, String value) {
        List<HttpHeader> headers = new ArrayList<>(extraHeaders);
        headers.add(new HttpHeader(name, value));
        return new HttpResponse(status, contentType, body, bodyLength, headers);
    }
}
