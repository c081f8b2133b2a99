package org.faasj.controlplane.async;

import java.util.List;
import java.util.Map;

/**
 * What the function answered (status null when no answer came), plus the error that explains a
 * failure the answer alone does not (a timeout, a refused connection, a route that went away).
 */
public record CallResult(Integer status, List<Map.Entry<String, String>> headers, byte[] body, boolean truncated,
                         String error) {

    public static CallResult noAnswer(String error) {
        return new CallResult(null, List.of(), null, false, error);
    }
}
