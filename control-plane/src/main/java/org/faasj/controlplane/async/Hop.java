package org.faasj.controlplane.async;

import java.util.Locale;
import java.util.Set;

/** Headers that describe one connection or its framing, not the message: never stored nor forwarded. */
final class Hop {

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "transfer-encoding", "te",
            "trailer", "upgrade", "proxy-connection", "content-length", "expect", "host");

    private Hop() {
    }

    static boolean isHopByHop(String name) {
        return HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT));
    }
}
