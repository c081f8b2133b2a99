package org.faasj.controlplane.security;

import java.util.Map;

/**
 * Headers sent with every answer of the console and the API. The console loads its scripts and
 * styles from files only, so the policy allows nothing inline; {@code data:} images only for its
 * empty inline favicon. {@code frame-ancestors 'none'} and {@code X-Frame-Options} stop pages on
 * other sites from framing the console (its delete button could be clickjacked).
 */
public final class SecurityHeaders {

    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";

    public static final Map<String, String> ALL = Map.of(
            "X-Frame-Options", "DENY",
            "Content-Security-Policy", CONTENT_SECURITY_POLICY,
            "X-Content-Type-Options", "nosniff");

    private SecurityHeaders() {
    }

    /** The headers as response header lines joined by CRLF, without a trailing CRLF. */
    public static String asHeaderLines() {
        StringBuilder sb = new StringBuilder();
        ALL.forEach((name, value) -> {
            if (!sb.isEmpty()) {
                sb.append("\r\n");
            }
            sb.append(name).append(": ").append(value);
        });
        return sb.toString();
    }
}
