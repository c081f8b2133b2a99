package org.faasj.controlplane.gateway;

import java.util.List;
import java.util.Map;

/**
 * A request as a client sent it, minus the framing: what an async call stores and replays.
 *
 * @param method  e.g. {@code POST}
 * @param path    the function's route path (without any {@code /async-function} prefix), percent-encoded as sent
 * @param query   the raw query without {@code ?}, or null
 * @param headers the client's headers in order, hop-by-hop ones (Connection, Transfer-Encoding,
 *                Content-Length, Expect, Keep-Alive, Upgrade) left out
 * @param body    the whole body (a chunked upload already decoded)
 * @param callId  the call's id, kept across attempts
 */
public record LocalRequest(String method, String path, String query, List<Map.Entry<String, String>> headers,
                           byte[] body, String callId) {
}
