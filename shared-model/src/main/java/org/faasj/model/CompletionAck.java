package org.faasj.model;

import java.nio.ByteBuffer;

/**
 * What a worker sends back on the hand-off connection once it has answered the client (or given up).
 * The gateway uses it to count requests in flight per worker and, when {@code keepAlive} holds,
 * to take the client connection back for its next request.
 *
 * <p>The same 16 bytes with status {@link #RESPONSE_STARTED} go out just before the worker writes
 * the first byte of a response: until then the client has nothing of it, so if the worker dies the
 * gateway may still answer 502 itself.
 *
 * @param requestId the frame's id
 * @param status    HTTP status the worker answered, 0 when it could not answer at all,
 *                  {@link #RESPONSE_STARTED} for the "about to write" notice (not a completion)
 * @param keepAlive whether the connection is still in a clean state for another request
 */
public record CompletionAck(long requestId, int status, boolean keepAlive) {

    public static final int BYTES = 16;
    public static final int RESPONSE_STARTED = -1;

    /** The notice that the worker is about to write the response of this request. */
    public static CompletionAck responseStarted(long requestId) {
        return new CompletionAck(requestId, RESPONSE_STARTED, false);
    }

    /** Whether this is the "about to write" notice rather than the end of the request. */
    public boolean isResponseStart() {
        return status == RESPONSE_STARTED;
    }

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
