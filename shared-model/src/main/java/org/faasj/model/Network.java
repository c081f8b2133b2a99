package org.faasj.model;

import java.util.Locale;

/** What network a function's process may use; the worker's fork server enforces it. */
public enum Network {
    /** The host's network, as functions always had it. */
    OUTBOUND,
    /** No network at all. */
    NONE;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the descriptor's network name ({@code outbound} or {@code none}); null for anything else. */
    public static Network fromId(String id) {
        if (id == null) {
            return null;
        }
        return switch (id.toLowerCase(Locale.ROOT)) {
            case "outbound" -> OUTBOUND;
            case "none" -> NONE;
            default -> null;
        };
    }
}
