package org.faasj.controlplane.security;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
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
 * an upload without it is refused before a byte of its body is read or parsed. Reads of what
 * functions did (invocation records, logs with their stderr, statistics) need the token too.
 */
@Component
public class AdminGuard {

    private static final Set<String> GUARDED_READS = Set.of("invocations", "logs", "stats", "async-calls");

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
        return check(method, null, host, origin, authorization);
    }

    /**
     * As {@link #check(String, String, String, String)}, and a read of a {@link #isGuardedRead guarded}
     * path needs the token too.
     *
     * @param path the request path without the query, as sent (percent-encoded), or null
     */
    public Refusal check(String method, String path, String host, String origin, String authorization) {
        if (path != null && isAsyncCall(path)) {
            return null; // a function call, open like the function itself
        }
        if (!hosts.allows(host)) {
            return new Refusal(403, "the console and API do not answer to the host name '" + host
                    + "'; add it to faas.security.allowed-hosts", null);
        }
        if (!isWrite(method)) {
            return path != null && isGuardedRead(path) ? tokenRefusal(authorization) : null;
        }
        if (origin != null && !isOwnOrAllowed(origin, host)) {
            return new Refusal(403, "writes from the origin '" + origin + "' are refused: it is not the platform's own;"
                    + " add it to faas.security.allowed-origins if it should deploy", null);
        }
        return tokenRefusal(authorization);
    }

    private Refusal tokenRefusal(String authorization) {
        String tokenRefusal = token.refusal(authorization);
        return tokenRefusal == null ? null : new Refusal(401, tokenRefusal, "WWW-Authenticate: Bearer");
    }

    /**
     * The observability API: {@code /system/calls/**}, {@code /system/nodes} and {@code /system/functions/{name}/}
     * {@code invocations}, {@code logs}, {@code stats}, {@code async-calls}. The path is compared the way Spring will
     * route it (percent-decoded, without {@code ;} parameters, empty segments dropped), so another
     * spelling of the same path is guarded too; one that cannot be decoded is guarded to be safe.
     * The controllers check the token again in any case.
     */
    static boolean isGuardedRead(String rawPath) {
        List<String> segments = decodedSegments(rawPath);
        if (segments == null) {
            return true;
        }
        if (segments.size() < 2 || !segments.get(0).equals("system")) {
            return false;
        }
        if (segments.get(1).equals("calls") || segments.get(1).equals("nodes")) {
            return true;
        }
        return segments.get(1).equals("functions") && segments.size() >= 4 && GUARDED_READS.contains(segments.get(3));
    }

    /**
     * An async function call ({@code /async-function/<route path>}): it needs no token, like the
     * sync call of the same function. Only a plain spelling counts: the raw path must start with the
     * prefix and no segment may be {@code .} or {@code ..}, so however Tomcat or Spring normalise it,
     * it cannot reach a platform path with the guard skipped.
     */
    static boolean isAsyncCall(String rawPath) {
        if (!rawPath.startsWith("/async-function/")) {
            return false;
        }
        List<String> segments = decodedSegments(rawPath);
        if (segments == null || segments.size() < 2 || !segments.get(0).equals("async-function")) {
            return false;
        }
        return !segments.contains(".") && !segments.contains("..");
    }

    /** The path's segments as Spring routes them (percent-decoded, no {@code ;} parameters, no empty ones); null if undecodable. */
    private static List<String> decodedSegments(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String segment : rawPath.split("/")) {
            int semicolon = segment.indexOf(';');
            String s = semicolon >= 0 ? segment.substring(0, semicolon) : segment;
            if (s.isEmpty()) {
                continue;
            }
            try {
                segments.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return segments;
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
