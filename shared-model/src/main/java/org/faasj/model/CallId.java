package org.faasj.model;

/**
 * The id every call handed to a worker carries: in the frame, in the {@code X-Call-Id} response
 * header, in the function's {@code FAAS_CALL_ID} and in the worker's log lines about it. A client may
 * choose it with its own {@code X-Call-Id}; only a value that is safe in a header, an environment
 * variable and a log line is kept: 1 to {@value #MAX_LENGTH} characters of {@code [A-Za-z0-9._-]}.
 */
public final class CallId {

    /** The response and request header that carries it. */
    public static final String HEADER = "X-Call-Id";
    /** Long enough for a UUID, a W3C trace id with a span id, or a ULID with a prefix. */
    public static final int MAX_LENGTH = 64;

    private CallId() {
    }

    /** Whether a client's {@code X-Call-Id} may be used as it is (anything else is replaced, not refused). */
    public static boolean isWellFormed(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
