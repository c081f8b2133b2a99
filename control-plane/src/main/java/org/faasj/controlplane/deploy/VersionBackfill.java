package org.faasj.controlplane.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.faasj.controlplane.routing.DescriptorJson;
import org.faasj.controlplane.routing.InvalidDescriptorException;
import org.faasj.controlplane.routing.RouteStore;
import org.faasj.controlplane.routing.StoredRow;
import org.faasj.controlplane.versions.FunctionVersion;
import org.faasj.controlplane.versions.VersionStore;
import org.faasj.model.FunctionDescriptor;

/**
 * Gives every function that has a route but no version history (seed routes, rows written by hand,
 * data directories from before versions existed) its current row as its only, active version, so
 * the versions API and the next redeploy treat it like any other function.
 */
final class VersionBackfill {

    /** {@code deployedBy} of a version the platform found rather than deployed. */
    static final String FOUND = "backfill";

    private VersionBackfill() {
    }

    /** @return the names that got a version */
    static List<String> run(RouteStore store, VersionStore versions) {
        Set<String> seen = new HashSet<>();
        return store.loadAll().stream()
                .flatMap(row -> parse(row).stream())
                .filter(d -> seen.add(d.name()) && versions.highestVersion(d.name()) == 0)
                .peek(d -> versions.insertActive(found(store, d)))
                .map(FunctionDescriptor::name)
                .toList();
    }

    private static FunctionVersion found(RouteStore store, FunctionDescriptor d) {
        return new FunctionVersion(d.name(), d.version(), d.routeKey(), artifactDigest(store.modulePath(d.module())),
                DescriptorJson.toJson(d), "", System.currentTimeMillis(), FOUND, true);
    }

    /** The uploaded code is gone by now; the artifact's digest still tells versions apart. */
    private static String artifactDigest(Path module) {
        try {
            return Files.isRegularFile(module) ? CodeDigest.ofFile(module) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static Optional<FunctionDescriptor> parse(StoredRow row) {
        try {
            return Optional.of(DescriptorJson.parse(row.key(), row.json()));
        } catch (InvalidDescriptorException e) {
            return Optional.empty(); // the route sync reports unreadable rows
        }
    }
}
