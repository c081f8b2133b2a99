package org.faasj.controlplane.gateway;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's own answers: complete HTTP/1.1 responses with an RFC 9457 problem body
 * ({@code application/problem+json}) naming the cause.
 */
final class ProblemResponse {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ProblemResponse() {
    }

    static byte[] of(int status, String detail, boolean keepAlive) {
        return of(status, detail, keepAlive, Map.of(), null);
    }

    /**
     * @param extra       further members of the problem object
     * @param extraHeader more header lines, joined by CRLF, without a final CRLF (e.g. {@code Allow: GET}), or null
     */
    static byte[] of(int status, String detail, boolean keepAlive, Map<String, Object> extra, String extraHeader) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", reason(status));
        problem.put("status", status);
        problem.put("detail", detail);
        problem.putAll(extra);
        byte[] body = JSON.writeValueAsBytes(problem);
        StringBuilder head = new StringBuilder(160)
                .append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n")
                .append("Content-Type: application/problem+json\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n")
                .append("Connection: ").append(keepAlive ? "keep-alive" : "close").append("\r\n");
        if (extraHeader != null) {
            head.append(extraHeader).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] response = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, response, 0, headBytes.length);
        System.arraycopy(body, 0, response, headBytes.length, body.length);
        return response;
    }

    static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 417 -> "Expectation Failed";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            default -> "Error";
        };
    }
}
