package org.faasj.controlplane.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What isolation this host allows, as faas-spawn's probe reported it, and what the platform does
 * with it.
 *
 * @param level   {@code full} (root: a uid per process, PID, mount and network namespaces),
 *                {@code partial} (one user namespace per worker) or {@code none}
 * @param memory  how memory is capped: {@code cgroup-v2}, {@code cgroup-v1} or {@code rlimit}
 * @param cpu     whether a worker's function processes weigh as one task ({@code cgroup-v1},
 *                {@code cgroup-v2}) or each as its own ({@code none})
 * @param uid     {@code per-call} or {@code user-namespace}
 * @param network {@code isolatable} when {@code "network": "none"} can be honoured, else {@code shared}
 * @param missing why anything is weaker than it could be, one reason each
 * @param mode    what workers and builds do: sandbox, run unisolated, or refuse
 */
public record SandboxStatus(String level, String memory, String cpu, String uid, String network, List<String> missing,
                            Mode mode) {

    /** What the workers are told (the worker daemon's {@code --sandbox} values). */
    public enum Mode {
        ON, OFF, REFUSED;

        public String option() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public SandboxStatus {
        missing = List.copyOf(missing);
    }

    /**
     * Parses the probe's line ({@code level=full memory=cgroup-v1 uid=per-call network=isolatable
     * missing=reason; reason}); {@code missing} runs to the end of the line.
     */
    static SandboxStatus parse(String line, boolean enabled, boolean required) {
        Map<String, String> fields = new LinkedHashMap<>();
        int missingAt = line.indexOf("missing=");
        String head = missingAt < 0 ? line : line.substring(0, missingAt);
        for (String pair : head.trim().split("\\s+")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        List<String> missing = new ArrayList<>();
        if (missingAt >= 0) {
            for (String reason : line.substring(missingAt + "missing=".length()).split(";")) {
                if (!reason.isBlank()) {
                    missing.add(reason.trim());
                }
            }
        }
        String level = fields.getOrDefault("level", "none");
        return new SandboxStatus(level, fields.getOrDefault("memory", "rlimit"), fields.getOrDefault("cpu", "none"),
                fields.getOrDefault("uid", "none"),
                fields.getOrDefault("network", "shared"), missing, decide(level, enabled, required));
    }

    /** No isolation at all, for a reason found before any probe could run. */
    static SandboxStatus unavailable(String reason, boolean enabled, boolean required) {
        return new SandboxStatus("none", "rlimit", "none", "none", "shared", List.of(reason),
                decide("none", enabled, required));
    }

    private static Mode decide(String level, boolean enabled, boolean required) {
        if (!enabled) {
            return Mode.OFF;
        }
        if (!level.equals("none")) {
            return Mode.ON;
        }
        return required ? Mode.REFUSED : Mode.OFF;
    }

    /** True when functions and builds may run (isolated, or unisolated because the operator said so). */
    public boolean serving() {
        return mode != Mode.REFUSED;
    }
}
