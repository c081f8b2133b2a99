package org.faasj.controlplane.store;

import java.nio.file.Path;
import java.util.List;

/**
 * What a route or version change must also write, in its own transaction, so that other nodes
 * learn of it. On the embedded store there are no other nodes: {@link #NONE} writes nothing.
 */
public interface StoreChanges {

    StoreChanges NONE = new StoreChanges() {
        @Override
        public void announce() {
        }

        @Override
        public void publishArtifact(String name, int version, Path versionDir) {
        }

        @Override
        public void forgetArtifacts(String name, List<Integer> versions) {
        }
    };

    /** Marks the routes as changed and wakes the other nodes when the transaction commits. */
    void announce();

    /** Stores a version's built files, so a node without them can fetch them. */
    void publishArtifact(String name, int version, Path versionDir);

    /** Drops the stored files of versions that are gone (retention or delete). */
    void forgetArtifacts(String name, List<Integer> versions);
}
