package org.faasj.model;

import java.util.Locale;

/**
 * How a worker runs a process-based function: a process per call (the default, as always), or a
 * long-lived process that loads the module once and calls its handler per request. The one rule
 * about which runtimes may use which mode lives here, so the strict deploy parser and the lenient
 * route loader cannot disagree.
 */
public enum ExecutionMode {
    /** A fresh process per call; the module's stdout is the answer. */
    PROCESS,
    /** A pooled process per function version calls {@code handler(request)} once per call. */
    HANDLER;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The descriptor's {@code mode} ({@code process} or {@code handler}); null for anything else. */
    public static ExecutionMode fromId(String id) {
        if (id == null) {
            return null;
        }
        return switch (id.toLowerCase(Locale.ROOT)) {
            case "process" -> PROCESS;
            case "handler" -> HANDLER;
            default -> null;
        };
    }

    /** Why {@code runtime} cannot run in this mode, or null when it can. */
    public String problemWith(FunctionRuntime runtime) {
        if (this == HANDLER && !runtime.spec().handlerMode()) {
            return "mode 'handler' is only for " + handlerRuntimes() + " functions, not " + runtime.id();
        }
        return null;
    }

    private static String handlerRuntimes() {
        StringBuilder names = new StringBuilder();
        for (FunctionRuntime runtime : FunctionRuntime.values()) {
            if (runtime.spec().handlerMode()) {
                names.append(names.isEmpty() ? "" : " and ").append(runtime.id());
            }
        }
        return names.toString();
    }
}
