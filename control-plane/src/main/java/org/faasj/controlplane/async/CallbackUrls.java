package org.faasj.controlplane.async;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Rules for {@code X-Callback-Url}. At enqueue the URL must be an absolute http or https URL with
 * a host and no user info. When the callback is sent, unless private targets are allowed, every
 * address the host resolves to must be public ({@link #isPrivate}; applied by {@link CallbackClient}
 * to the very lookup it connects with): loopback, link-local (cloud metadata at 169.254.169.254),
 * private, carrier-grade NAT, unique-local, multicast and the wildcard are refused, so whoever may
 * enqueue a call cannot make the platform POST into the host or its network.
 */
final class CallbackUrls {

    static final int MAX_LENGTH = 2048;

    private CallbackUrls() {
    }

    /** The URL as given when it may be used; else IllegalArgumentException saying why. */
    static URI parse(String raw) {
        if (raw.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("X-Callback-Url is longer than " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(raw.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("X-Callback-Url is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("X-Callback-Url must be an http or https URL, got '" + raw + "'");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("X-Callback-Url has no host: '" + raw + "'");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("X-Callback-Url must not carry user info");
        }
        return uri;
    }

    static boolean isPrivate(InetAddress a) {
        if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            return (b[0] & 0xFE) == 0xFC; // fc00::/7, unique local
        }
        return (b[0] & 0xFF) == 100 && (b[1] & 0xC0) == 64 // 100.64.0.0/10, carrier-grade NAT
                || (b[0] & 0xFF) == 0; // 0.0.0.0/8, "this network"
    }
}
