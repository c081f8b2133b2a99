package org.faasj.controlplane.versions;

import java.util.List;
import java.util.Optional;

/**
 * The durable record of every function's versions. Callers run the writes inside the transaction
 * that also switches the function's route row, so the active version and the route never disagree.
 */
public interface VersionStore {

    /** Stores a new version and makes it the function's only active one. */
    void insertActive(FunctionVersion version);

    /** The function's versions, newest first; empty for an unknown function. */
    List<FunctionVersion> list(String name);

    Optional<FunctionVersion> find(String name, int version);

    /** The highest number the function has used, 0 when it has none. */
    int highestVersion(String name);

    /** Makes this version the only active one. @return false when there is no such version */
    boolean activate(String name, int version);

    /** Removes these versions' rows (retention or delete); the caller removes their artifacts. */
    void remove(String name, List<Integer> versions);

    /** Every version of every function (the startup sweep keeps their artifacts). */
    List<FunctionVersion> all();
}
