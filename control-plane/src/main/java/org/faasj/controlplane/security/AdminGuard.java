package org.faasj.controlplane.security;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import org.faasj.controlplane.deploy.AdminToken;
import org.faasj.controlplane.system.FaasProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Decides from a request's head alone whether the platform's own paths (console, admin API,
 * actuator) may serve it: the {@code Host} must be one of the platform's names (DNS rebinding),
 * and a write (any method but GET, HEAD, OPTIONS) must come from the platform's own origin when
 * a browser names one, and carry the admin token. The token is checked here, before the body, so
 * an upload without it is refused before a byte of its body is read or parsed.
 */
@Component
public class AdminGuard {

    private final HostNames hosts;
    private final Set<String> allowedOrigins;
    private final AdminToken token;

    @Autowired
    public AdminGuard(FaasProperties properties, AdminToken token) {
        this(HostNames.of(properties.security().allowedHosts(), properties.gateway().bindAddress()),
                properties.security().allowedOrigins(), token);
    }

    AdminGuard(HostNames hosts, Collection<String> allowedOrigins, AdminToken token) {
        this.hosts = hosts;
        this.allowedOrigins = new HashSet<>();
        for (String origin : allowedOrigins) {
            String normal = normaliseOrigin(origin);
            if (normal == null) {
                throw new IllegalArgumentException("faas.security.allowed-origins: '" + origin
                        + "' is not an origin (scheme://host[:port])");
            }
            this.allowedOrigins.add(normal);
        }
        this.token = token;
    }

    /**
     * @param host          the {@code Host} header, or null
     * @param origin        the {@code Origin} header, or null
     * @param authorization the {@code Authorization} header, or null
     * @return why the request is refused, or null when it may be served
     */
    public Refusal check(String method, String host, String origin, String authorization) {
        if (!hosts.allows(host)) {
            return new Refusal(403, "the console and API do not answer to the host name '" + host
                    + "'; add it to faas.security.allowed-hosts", null);
        }
        if (!isWrite(method)) {
            return null;
        }
        if (origin != null && !isOwnOrAllowed(origin, host)) {
            return new Refusal(403, "writes from the origin '" + origin + "' are refused: it is not the platform's own;"
                    + " add it to faas.security.allowed-origins if it should deploy", null);
        }
        String tokenRefusal = token.refusal(authorization);
        return tokenRefusal == null ? null : new Refusal(401, tokenRefusal, "WWW-Authenticate: Bearer");
    }

    /** Whether this {@code Authorization} header value carries the admin token. */
    public boolean carriesToken(String authorization) {
        return authorization != null && token.refusal(authorization) == null;
    }

    static boolean isWrite(String method) {
        return !(method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS"));
    }

    private boolean isOwnOrAllowed(String origin, String host) {
        String normal = normaliseOrigin(origin);
        if (normal == null) {
            return false; // includes "null", sent by sandboxed frames and file: pages
        }
        return allowedOrigins.contains(normal) || (host != null && normal.equals(normaliseOrigin("http://" + host.strip())));
    }

    /** {@code scheme://host:port} in lower case with the scheme's default port made explicit, or null. */
    static String normaliseOrigin(String origin) {
        try {
            URI uri = new URI(origin.strip());
            String scheme = uri.getScheme();
            String host = uri.getHost();
            if (scheme == null || host == null || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))) {
                return null;
            }
            scheme = scheme.toLowerCase(Locale.ROOT);
            int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
            return scheme + "://" + host.toLowerCase(Locale.ROOT) + ":" + port;
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
