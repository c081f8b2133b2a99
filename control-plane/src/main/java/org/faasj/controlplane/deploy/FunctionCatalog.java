package org.faasj.controlplane.deploy;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.faasj.controlplane.routing.DescriptorJson;
import org.faasj.controlplane.routing.InvalidDescriptorException;
import org.faasj.controlplane.routing.RouteStore;
import org.faasj.controlplane.routing.StoredRow;
import org.faasj.model.FunctionDescriptor;

/**
 * Functions as stored in the route table, found by name. A function is the set of rows carrying
 * its name (normally one); rows that cannot be parsed are left to the route sync to report.
 * The table is small (one row per function), so a full read per question is cheap and always fresh.
 */
final class FunctionCatalog {

    /** One row, parsed. */
    record Deployed(FunctionDescriptor descriptor, long updated) {
        FunctionView view() {
            return FunctionView.of(descriptor, updated);
        }
    }

    private final RouteStore store;

    FunctionCatalog(RouteStore store) {
        this.store = store;
    }

    List<Deployed> all() {
        return store.loadAll().stream()
                .flatMap(row -> parse(row).stream())
                .sorted(Comparator.comparing((Deployed d) -> d.descriptor().name()).thenComparing(d -> d.descriptor().routeKey()))
                .toList();
    }

    List<Deployed> named(String name) {
        return all().stream().filter(d -> d.descriptor().name().equals(name)).toList();
    }

    Optional<Deployed> atRoute(String method, String path) {
        return store.find(method, path).flatMap(FunctionCatalog::parse);
    }

    private static Optional<Deployed> parse(StoredRow row) {
        try {
            return Optional.of(new Deployed(DescriptorJson.parse(row.key(), row.json()), row.updated()));
        } catch (InvalidDescriptorException e) {
            return Optional.empty();
        }
    }
}
