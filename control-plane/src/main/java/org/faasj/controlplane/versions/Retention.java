package org.faasj.controlplane.versions;

import java.util.Comparator;
import java.util.List;

/**
 * Which versions a function keeps: the {@code keep} newest, plus the active one wherever it is
 * (after a rollback the active version may be older than the newest few, and it must never go).
 */
public final class Retention {

    private final int keep;

    public Retention(int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("faas.deploy.keep-versions must be at least 1, not " + keep);
        }
        this.keep = keep;
    }

    public int keep() {
        return keep;
    }

    /** The versions of {@code versions} (one function's) that retention lets go, oldest first. */
    public List<FunctionVersion> expired(List<FunctionVersion> versions) {
        List<FunctionVersion> newestFirst = versions.stream()
                .sorted(Comparator.comparingInt(FunctionVersion::version).reversed()).toList();
        return newestFirst.stream().skip(keep).filter(v -> !v.active())
                .sorted(Comparator.comparingInt(FunctionVersion::version)).toList();
    }
}
