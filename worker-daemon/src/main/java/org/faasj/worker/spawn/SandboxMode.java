package org.faasj.worker.spawn;

import java.util.Locale;

/** Whether the fork server isolates what it starts; the control plane decides from its probe. */
public enum SandboxMode {
    /** Every process starts in the sandbox; the fork server refuses to start without one. */
    ON,
    /** Processes start like any child of the worker (the operator turned isolation off). */
    OFF,
    /** The host cannot isolate processes and the operator requires it: none are started. */
    REFUSED;

    public static SandboxMode parse(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
