package org.faasj.controlplane.gateway;

import java.util.List;
import java.util.Map;

/**
 * The answer to a {@link LocalRequest}: status, headers in order and the body up to the caller's cap.
 *
 * @param truncated the body was longer than the cap and was cut there
 */
public record LocalAnswer(int status, List<Map.Entry<String, String>> headers, byte[] body, boolean truncated) {

    /** The first header of that name (case-insensitive), or null. */
    public String header(String name) {
        return first(headers, name);
    }

    /** The first of these headers with that name (case-insensitive), or null. */
    public static String first(List<Map.Entry<String, String>> headers, String name) {
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }
}
