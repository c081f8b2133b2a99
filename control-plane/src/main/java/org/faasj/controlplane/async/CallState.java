package org.faasj.controlplane.async;

import java.util.Locale;

/** Where an async call stands; the last three are final. */
public enum CallState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    /** The name stored and shown, e.g. {@code queued}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CallState fromId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
