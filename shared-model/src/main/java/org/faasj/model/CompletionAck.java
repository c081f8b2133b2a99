package org.faasj.model;

import java.nio.ByteBuffer;

/**
 * What a worker sends back on the hand-off connection once it has answered the client (or given up).
 * The gateway uses it to count requests in flight per worker and, when {@code keepAlive} holds,
 * to take the client connection back for its next request.
 *
 * @param requestId the frame's id
 * @param status    HTTP status the worker answered, 0 when it could not answer at all
 * @param keepAlive whether the connection is still in a clean state for another request
 */
public record CompletionAck(long requestId, int status, boolean keepAlive) {

    public static final int BYTES = 16;

    public void writeTo(ByteBuffer out) {
        out.putLong(requestId);
        out.putInt(status);
        out.putInt(keepAlive ? 1 : 0);
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(BYTES);
        writeTo(b);
        return b.array();
    }

    public static CompletionAck readFrom(ByteBuffer in) {
        return new CompletionAck(in.getLong(), in.getInt(), in.getInt() != 0);
    }
}
