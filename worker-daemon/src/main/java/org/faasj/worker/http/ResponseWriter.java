package org.faasj.worker.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import org.faasj.model.CallId;
import org.faasj.model.HttpHeader;

/** Writes an HTTP/1.1 response with the headers every worker response carries. */
public final class ResponseWriter {

    /** Up to this size head and body go out in one write (one segment, no Nagle wait between them). */
    private static final int SINGLE_WRITE_MAX = 64 * 1024;

    private final String workerId;

    public ResponseWriter(int workerId) {
        this.workerId = Integer.toString(workerId);
    }

    /**
     * Returns whether the whole response was written; false when the client is gone.
     *
     * @param callId the call's id, sent as {@code X-Call-Id} (well-formed: the frame checked it)
     */
    public boolean write(OutputStream out, HttpResponse response, boolean keepAlive, String callId) {
        byte[] head = head(response, keepAlive, callId);
        try {
            if (head.length + response.bodyLength() <= SINGLE_WRITE_MAX) {
                out.write(joined(head, response));
            } else {
                out.write(head);
                out.write(response.body(), 0, response.bodyLength());
            }
            return true;
        } catch (IOException clientGone) {
            return false;
        }
    }

    byte[] head(HttpResponse response, boolean keepAlive, String callId) {
        StringBuilder h = new StringBuilder(200)
                .append("HTTP/1.1 ").append(response.status()).append(' ').append(reason(response.status())).append("\r\n")
                .append("Content-Type: ").append(response.contentType()).append("\r\n")
                .append("Content-Length: ").append(response.bodyLength()).append("\r\n")
                .append("Connection: ").append(keepAlive ? "keep-alive" : "close").append("\r\n")
                .append("X-Faas-Worker: ").append(workerId).append("\r\n")
                .append(CallId.HEADER).append(": ").append(callId).append("\r\n");
        for (HttpHeader extra : response.extraHeaders()) {
            h.append(extra.name()).append(": ").append(extra.value()).append("\r\n");
        }
        return h.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] joined(byte[] head, HttpResponse response) {
        byte[] all = new byte[head.length + response.bodyLength()];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(response.body(), 0, all, head.length, response.bodyLength());
        return all;
    }

    static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 408 -> "Request Timeout";
            case 413 -> "Content Too Large";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Status";
        };
    }
}
