package org.faasj.controlplane.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import org.faasj.controlplane.deploy.FunctionCatalog.Deployed;
import org.faasj.controlplane.metrics.DeployMetrics;
import org.faasj.controlplane.routing.DescriptorJson;
import org.faasj.controlplane.routing.RouteStore;
import org.faasj.controlplane.routing.RouteSync;
import org.faasj.controlplane.routing.RouteTable;
import org.faasj.controlplane.store.StoreChanges;
import org.faasj.controlplane.versions.FunctionVersion;
import org.faasj.controlplane.versions.Retention;
import org.faasj.controlplane.versions.VersionStore;
import org.faasj.model.FunctionDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deploys, redeploys and deletes functions. Only the reservation of a name and route and the final
 * switch are serialized; builds run in parallel. The order is what makes a deploy safe to interrupt
 * at any point: artifact built in a temp dir, renamed into its version directory, then row, version
 * record and in-memory route switched together. A rollback is the same switch to a kept version's
 * descriptor, without a build. Artifacts of versions retention lets go are removed only after
 * nothing can still run them.
 */
final class Deployer {

    private static final Logger log = LoggerFactory.getLogger(Deployer.class);

    private final FunctionCatalog catalog;
    private final RouteStore store;
    private final RouteTable table;
    private final RouteSync sync;
    private final TransactionTemplate tx;
    private final ArtifactBuilder builder;
    private final ArtifactReaper reaper;
    private final Path functionsDir;
    private final Duration cleanupGrace;
    private final DeployMetrics metrics;
    private final VersionStore versions;
    private final Retention retention;
    private final StoreChanges changes;
    private final SecureRandom random = new SecureRandom();

    private final Object lock = new Object();
    private final Set<String> busyNames = new HashSet<>(); // guarded by lock
    private final Set<String> busyRoutes = new HashSet<>(); // guarded by lock

    Deployer(FunctionCatalog catalog, RouteStore store, RouteTable table, RouteSync sync, TransactionTemplate tx,
             ArtifactBuilder builder, ArtifactReaper reaper, Duration cleanupGrace, DeployMetrics metrics,
             VersionStore versions, Retention retention, StoreChanges changes) {
        this.catalog = catalog;
        this.store = store;
        this.table = table;
        this.sync = sync;
        this.tx = tx;
        this.builder = builder;
        this.reaper = reaper;
        this.functionsDir = store.dataDir().resolve("functions");
        this.cleanupGrace = cleanupGrace;
        this.metrics = metrics;
        this.versions = versions;
        this.retention = retention;
        this.changes = changes;
    }

    /** A name and route held by one deploy while it builds; {@code current} is the version it replaces. */
    private record Claim(String name, String method, String route, int version, Deployed current) {
        String routeKey() {
            return FunctionDescriptor.routeKey(method, route);
        }

        boolean movesRoute() {
            return current != null && !current.descriptor().routeKey().equals(routeKey());
        }
    }

    /** @param deployedBy who asks, as the version history records it (a token id, never the token) */
    FunctionView create(DeploySpec spec, CodeSource code, String deployedBy) {
        return measured(spec, () -> install(claimNew(spec), spec, code, deployedBy));
    }

    FunctionView redeploy(String name, DeploySpec spec, CodeSource code, String deployedBy) {
        if (spec.name() != null && !spec.name().equals(name)) {
            throw DeployProblem.invalid("name", "descriptor name '" + spec.name() + "' differs from '" + name + "' in the URL");
        }
        return measured(spec, () -> install(claimExisting(name, spec), spec, code, deployedBy));
    }

    /** Counts and times a deploy by its language and result (see {@link DeployMetrics}). */
    private FunctionView measured(DeploySpec spec, Supplier<FunctionView> deploy) {
        long started = System.nanoTime();
        String result = DeployMetrics.FAILED;
        try {
            FunctionView view = deploy.get();
            result = DeployMetrics.OK;
            return view;
        } catch (DeployProblem e) {
            result = e.getStatusCode().is4xxClientError() ? DeployMetrics.REJECTED : DeployMetrics.FAILED;
            throw e;
        } finally {
            metrics.deployed(spec.language().id(), result, System.nanoTime() - started);
        }
    }

    /** Removes the function's routes and every version it kept; their artifacts go after the grace. */
    void delete(String name) {
        List<Deployed> removed;
        List<FunctionVersion> kept;
        synchronized (lock) {
            removed = catalog.named(name);
            if (removed.isEmpty()) {
                throw DeployProblem.notFound(name);
            }
            refuseBusy(name);
            kept = versions.list(name);
            tx.executeWithoutResult(status -> {
                removed.forEach(d -> store.delete(d.descriptor().method(), d.descriptor().route()));
                List<Integer> numbers = kept.stream().map(FunctionVersion::version).toList();
                versions.remove(name, numbers);
                changes.forgetArtifacts(name, numbers);
                changes.announce();
            });
            removed.forEach(d -> table.remove(d.descriptor().method(), d.descriptor().route()));
        }
        sync.reloadNow();
        removed.forEach(d -> retire(d.descriptor(), Set.of()));
        kept.forEach(v -> retire(parse(v), Set.of()));
        log.info("Deleted function {} ({})", name, removed.stream().map(d -> d.descriptor().routeKey()).toList());
    }

    private Claim claimNew(DeploySpec spec) {
        synchronized (lock) {
            String name = spec.name() != null ? spec.name() : freshName();
            if (busyNames.contains(name) || !catalog.named(name).isEmpty()) {
                throw DeployProblem.conflict("name", "a function named '" + name + "' already exists");
            }
            String method = spec.method() != null ? spec.method() : DeploySpec.DEFAULT_METHOD;
            String route = spec.route() != null ? spec.route() : DeploySpec.defaultRoute(name);
            // versions left by a route row removed outside the API keep their numbers: continue after them
            return reserve(new Claim(name, method, route, versions.highestVersion(name) + 1, null));
        }
    }

    /** Method and route left out of a redeploy keep their current values: clients keep their URL. */
    private Claim claimExisting(String name, DeploySpec spec) {
        synchronized (lock) {
            List<Deployed> rows = catalog.named(name);
            if (rows.isEmpty()) {
                throw DeployProblem.notFound(name);
            }
            refuseBusy(name);
            Deployed current = rows.get(0);
            String method = spec.method() != null ? spec.method() : current.descriptor().method();
            String route = spec.route() != null ? spec.route() : current.descriptor().route();
            // numbers only grow: after a rollback the active version is not the highest one
            int next = Math.max(versions.highestVersion(name), current.descriptor().version()) + 1;
            return reserve(new Claim(name, method, route, next, current));
        }
    }

    /** Caller holds the lock. */
    private Claim reserve(Claim claim) {
        refuseTakenRoute(claim.name(), claim.method(), claim.route());
        busyNames.add(claim.name());
        busyRoutes.add(claim.routeKey());
        return claim;
    }

    /** Caller holds the lock. */
    private void refuseTakenRoute(String name, String method, String route) {
        String key = FunctionDescriptor.routeKey(method, route);
        if (busyRoutes.contains(key)) {
            throw DeployProblem.conflict("route", key + " is being deployed by another request");
        }
        catalog.atRoute(method, route)
                .filter(other -> !other.descriptor().name().equals(name))
                .ifPresent(other -> {
                    throw DeployProblem.conflict("route", key + " is taken by function '"
                            + other.descriptor().name() + "'");
                });
    }

    private void refuseBusy(String name) {
        if (busyNames.contains(name)) {
            throw DeployProblem.conflict("name", "a deploy of '" + name + "' is in progress");
        }
    }

    private void release(Claim claim) {
        synchronized (lock) {
            busyNames.remove(claim.name());
            busyRoutes.remove(claim.routeKey());
        }
    }

    private String freshName() {
        Set<String> taken = new HashSet<>(busyNames);
        catalog.all().forEach(d -> taken.add(d.descriptor().name()));
        String name;
        do {
            name = "fn-" + HexFormat.of().toHexDigits(random.nextInt());
        } while (taken.contains(name));
        return name;
    }

    private FunctionView install(Claim claim, DeploySpec spec, CodeSource code, String deployedBy) {
        long started = System.nanoTime();
        Path versionDir = null;
        boolean switched = false;
        try (ArtifactBuilder.Build build = builder.build(spec.language(), code)) {
            String digest = CodeDigest.of(code);
            versionDir = place(build, claim);
            String module = functionsDir.getParent().relativize(versionDir.resolve(build.artifactFile())).toString();
            FunctionDescriptor descriptor = spec.toDescriptor(claim.name(), claim.method(), claim.route(), module, claim.version());
            switchTo(claim, descriptor, new FunctionVersion(claim.name(), claim.version(), descriptor.routeKey(), digest,
                    DescriptorJson.toJson(descriptor), build.output(), System.currentTimeMillis(), deployedBy, true));
            switched = true;
            log.info("Deployed {} v{} ({}) at {} in {} ms", claim.name(), claim.version(), spec.language().id(),
                    claim.routeKey(), (System.nanoTime() - started) / 1_000_000);
            return catalog.atRoute(claim.method(), claim.route()).map(Deployed::view)
                    .orElseGet(() -> FunctionView.of(descriptor, System.currentTimeMillis() / 1000));
        } finally {
            if (!switched && versionDir != null) {
                FileTrees.deleteQuietly(versionDir);
            }
            release(claim);
        }
    }

    /** Renames the staged artifact into {@code functions/<name>/<version>} (same file system: atomic). */
    private Path place(ArtifactBuilder.Build build, Claim claim) {
        Path target = functionsDir.resolve(claim.name()).resolve(Integer.toString(claim.version()));
        try {
            reaper.reclaim(target);
            Files.createDirectories(target.getParent());
            Files.move(build.stageDir(), target, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(target.getParent());
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install the artifact into " + target, e);
        }
    }

    /**
     * One transaction for the row(s), the new version and the retention it triggers, then the
     * in-memory route, so callers see old or new, never neither.
     */
    private void switchTo(Claim claim, FunctionDescriptor descriptor, FunctionVersion version) {
        FunctionDescriptor old = claim.current() == null ? null : claim.current().descriptor();
        List<FunctionVersion> expired;
        synchronized (lock) {
            expired = tx.execute(status -> {
                if (claim.movesRoute()) {
                    store.delete(old.method(), old.route());
                }
                store.upsert(descriptor);
                versions.insertActive(version);
                changes.publishArtifact(claim.name(), claim.version(), versionDir(descriptor));
                List<FunctionVersion> gone = retention.expired(versions.list(claim.name()));
                List<Integer> numbers = gone.stream().map(FunctionVersion::version).toList();
                versions.remove(claim.name(), numbers);
                changes.forgetArtifacts(claim.name(), numbers);
                changes.announce();
                return gone;
            });
            table.put(store.toRoute(descriptor));
            if (claim.movesRoute()) {
                table.remove(old.method(), old.route());
            }
        }
        // a poll that read the table before this commit may publish after the put above; reloading
        // now (the sync serializes reloads) guarantees the newest state is published last
        sync.reloadNow();
        Set<Path> keptDirs = keptDirs(claim.name());
        if (old != null) {
            retire(old, keptDirs); // a row written by hand may name a directory no kept version does
        }
        expired.forEach(v -> retire(parse(v), keptDirs));
    }

    /**
     * Points the function at a kept version: the route row and the active mark switch in one
     * transaction, then the in-memory route, as in a redeploy, but nothing is built or removed.
     * Calls already handed to a worker finish on the version they started on (its artifacts stay).
     *
     * @param target the version wanted, or empty for the newest kept one below the active one
     */
    FunctionView rollback(String name, Optional<Integer> target) {
        long started = System.nanoTime();
        String result = DeployMetrics.FAILED;
        try {
            FunctionView view = switchBack(name, target);
            result = DeployMetrics.OK;
            log.info("Rolled {} back to v{} in {} ms", name, view.version(),
                    String.format(Locale.ROOT, "%.2f", (System.nanoTime() - started) / 1e6));
            return view;
        } catch (DeployProblem e) {
            result = DeployMetrics.REJECTED;
            throw e;
        } finally {
            metrics.rolledBack(result);
        }
    }

    private FunctionView switchBack(String name, Optional<Integer> target) {
        FunctionDescriptor descriptor;
        synchronized (lock) {
            List<Deployed> rows = catalog.named(name);
            if (rows.isEmpty()) {
                throw DeployProblem.notFound(name);
            }
            refuseBusy(name);
            FunctionDescriptor current = rows.get(0).descriptor();
            FunctionVersion wanted = target.map(n -> versions.find(name, n)
                            .orElseThrow(() -> DeployProblem.versionNotFound(name, n)))
                    .orElseGet(() -> previous(name, current.version()));
            if (wanted.version() == current.version()) {
                throw DeployProblem.conflict("version", "v" + wanted.version() + " of '" + name + "' is already active");
            }
            descriptor = parse(wanted);
            boolean moves = !descriptor.routeKey().equals(current.routeKey());
            if (moves) {
                refuseTakenRoute(name, descriptor.method(), descriptor.route());
            }
            tx.executeWithoutResult(status -> {
                if (moves) {
                    store.delete(current.method(), current.route());
                }
                store.upsert(descriptor);
                versions.activate(name, wanted.version());
                changes.announce();
            });
            table.put(store.toRoute(descriptor));
            if (moves) {
                table.remove(current.method(), current.route());
            }
        }
        sync.reloadNow();
        return catalog.atRoute(descriptor.method(), descriptor.route()).map(Deployed::view)
                .orElseGet(() -> FunctionView.of(descriptor, System.currentTimeMillis() / 1000));
    }

    /** The newest kept version below the active one. */
    private FunctionVersion previous(String name, int active) {
        return versions.list(name).stream().filter(v -> v.version() < active).findFirst()
                .orElseThrow(() -> DeployProblem.conflict("version",
                        "'" + name + "' has no kept version before v" + active + " to roll back to"));
    }

    private static FunctionDescriptor parse(FunctionVersion version) {
        return DescriptorJson.parse(version.routeKey(), version.descriptor());
    }

    /** Version directories the function's kept versions run from: retention must not remove them. */
    private Set<Path> keptDirs(String name) {
        Set<Path> dirs = new HashSet<>();
        versions.list(name).forEach(v -> dirs.add(versionDir(parse(v))));
        return dirs;
    }

    private Path versionDir(FunctionDescriptor descriptor) {
        return store.modulePath(descriptor.module()).getParent();
    }

    /** Schedules removal of a version's artifacts, if the platform owns them and no kept version runs from them. */
    private void retire(FunctionDescriptor old, Set<Path> keptDirs) {
        Path versionDir = versionDir(old);
        boolean owned = versionDir != null && versionDir.getParent() != null
                && functionsDir.equals(versionDir.getParent().getParent());
        if (owned && !keptDirs.contains(versionDir)) {
            reaper.removeLater(versionDir, Duration.ofSeconds(old.timeoutSeconds()).plus(cleanupGrace));
        }
    }

    private static void syncDirectory(Path dir) {
        try {
            ArtifactBuilder.force(dir);
        } catch (IOException e) {
            log.debug("cannot fsync directory {}: {}", dir, e.toString()); // not every file system allows it
        }
    }
}
