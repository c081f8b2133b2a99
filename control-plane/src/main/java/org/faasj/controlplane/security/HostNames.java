package org.faasj.controlplane.security;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The names a {@code Host} header may carry for the console and the API. A page that rebinds its
 * own DNS name to this machine still makes the browser send that name, so refusing unknown names
 * stops it; IP literals of this machine cannot be rebound and are always fine. Nothing here ever
 * asks DNS about a name a client sent.
 */
final class HostNames {

    private static final Logger log = LoggerFactory.getLogger(HostNames.class);
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final boolean any;
    private final Set<String> names;
    private final Set<InetAddress> addresses;

    HostNames(boolean any, Set<String> names, Set<InetAddress> addresses) {
        this.any = any;
        this.names = Set.copyOf(names);
        this.addresses = Set.copyOf(addresses);
    }

    /**
     * The loopback names, this machine's host name, the bound address (every local address when
     * bound to the wildcard) and the configured names; {@code *} among them allows any host.
     */
    static HostNames of(Collection<String> configured, String bindAddress) {
        Set<String> names = new HashSet<>();
        Set<InetAddress> addresses = new HashSet<>();
        names.add("localhost");
        addresses.add(InetAddress.getLoopbackAddress());
        addLiteral(addresses, "127.0.0.1");
        addLiteral(addresses, "::1");
        String hostName = hostName();
        if (hostName != null) {
            names.add(hostName);
        }
        InetAddress bound = literal(normalise(bindAddress));
        if (bound == null) {
            names.add(normalise(bindAddress));
        } else if (bound.isAnyLocalAddress()) {
            addresses.addAll(localAddresses());
        } else {
            addresses.add(bound);
        }
        boolean any = false;
        for (String name : configured) {
            String n = normalise(name);
            any |= n.equals("*");
            InetAddress address = literal(n);
            if (address != null) {
                addresses.add(address);
            } else {
                names.add(n);
            }
        }
        return new HostNames(any, names, addresses);
    }

    /** The kernel's host name, read without a DNS lookup (InetAddress.getLocalHost() can wait on DNS). */
    private static String hostName() {
        try {
            String name = normalise(Files.readString(Path.of("/proc/sys/kernel/hostname")));
            return name.isEmpty() ? null : name;
        } catch (IOException e) {
            log.debug("this machine's host name is unknown: {}", e.toString());
            return null;
        }
    }

    /** Whether a request with this {@code Host} header value may be served; no header (HTTP/1.0) is fine. */
    boolean allows(String hostHeader) {
        if (any || hostHeader == null) {
            return true;
        }
        String name = hostOf(hostHeader);
        if (name == null) {
            return false;
        }
        if (names.contains(name)) {
            return true;
        }
        InetAddress address = literal(name);
        return address != null && addresses.contains(address);
    }

    /** The host part of a {@code Host} value (brackets kept for IPv6), lower case, or null when malformed. */
    static String hostOf(String hostHeader) {
        String h = hostHeader.strip();
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            return close < 0 ? null : normalise(h.substring(0, close + 1));
        }
        int colon = h.indexOf(':');
        String name = colon < 0 ? h : h.substring(0, colon);
        return name.isEmpty() ? null : normalise(name);
    }

    private static String normalise(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    /** The address of an IP literal ({@code 1.2.3.4} or {@code [::1]} or {@code ::1}), else null; never a DNS lookup. */
    static InetAddress literal(String name) {
        String n = name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name;
        boolean ipv4 = IPV4.matcher(n).matches() && Arrays.stream(n.split("\\.")).allMatch(o -> Integer.parseInt(o) <= 255);
        // with a colon the JDK parses the text as IPv6 and fails without a lookup when it is not one
        if (!ipv4 && n.indexOf(':') < 0) {
            return null;
        }
        try {
            return stripScope(InetAddress.getByName(n));
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static void addLiteral(Set<InetAddress> addresses, String literal) {
        InetAddress address = literal(literal);
        if (address != null) {
            addresses.add(address);
        }
    }

    private static Set<InetAddress> localAddresses() {
        Set<InetAddress> all = new HashSet<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    all.add(stripScope(address));
                }
            }
        } catch (SocketException e) {
            log.warn("cannot list this machine's addresses; the console answers to loopback names only: {}", e.toString());
        }
        return all;
    }

    /** {@code fe80::1%eth0} and {@code fe80::1} are the same host for a Host header. */
    private static InetAddress stripScope(InetAddress address) {
        try {
            return InetAddress.getByAddress(address.getAddress());
        } catch (UnknownHostException e) {
            return address;
        }
    }
}
