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
import java.util.Set;
import java.util.function.Supplier;

import org.faasj.controlplane.deploy.FunctionCatalog.Deployed;
import org.faasj.controlplane.metrics.DeployMetrics;
import org.faasj.controlplane.routing.RouteStore;
import org.faasj.controlplane.routing.RouteSync;
import org.faasj.controlplane.routing.RouteTable;
import org.faasj.model.FunctionDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deploys, redeploys and deletes functions. Only the reservation of a name and route and the final
 * switch are serialized; builds run in parallel. The order is what makes a deploy safe to interrupt
 * at any point: artifact built in a temp dir, renamed into its version directory, then row and
 * in-memory route switched together. Old artifacts go only after nothing can still run them.
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
    private final SecureRandom random = new SecureRandom();

    private final Object lock = new Object();
    private final Set<String> busyNames = new HashSet<>(); // guarded by lock
    private final Set<String> busyRoutes = new HashSet<>(); // guarded by lock

    Deployer(FunctionCatalog catalog, RouteStore store, RouteTable table, RouteSync sync, TransactionTemplate tx,
             ArtifactBuilder builder, ArtifactReaper reaper, Duration cleanupGrace, DeployMetrics metrics) {
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

    FunctionView create(DeploySpec spec, CodeSource code) {
        return measured(spec, () -> install(claimNew(spec), spec, code));
    }

    FunctionView redeploy(String name, DeploySpec spec, CodeSource code) {
        if (spec.name() != null && !spec.name().equals(name)) {
            throw DeployProblem.invalid("name", "descriptor name '" + spec.name() + "' differs from '" + name + "' in the URL");
        }
        return measured(spec, () -> install(claimExisting(name, spec), spec, code));
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

    void delete(String name) {
        List<Deployed> removed;
        synchronized (lock) {
            removed = catalog.named(name);
            if (removed.isEmpty()) {
                throw DeployProblem.notFound(name);
            }
            refuseBusy(name);
            tx.executeWithoutResult(status -> removed.forEach(d -> store.delete(d.descriptor().method(), d.descriptor().route())));
            removed.forEach(d -> table.remove(d.descriptor().method(), d.descriptor().route()));
        }
        sync.reloadNow();
        removed.forEach(d -> retire(d.descriptor(), null));
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
            return reserve(new Claim(name, method, route, 1, null));
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
            return reserve(new Claim(name, method, route, current.descriptor().version() + 1, current));
        }
    }

    /** Caller holds the lock. */
    private Claim reserve(Claim claim) {
        if (busyRoutes.contains(claim.routeKey())) {
            throw DeployProblem.conflict("route", claim.routeKey() + " is being deployed by another request");
        }
        catalog.atRoute(claim.method(), claim.route())
                .filter(other -> !other.descriptor().name().equals(claim.name()))
                .ifPresent(other -> {
                    throw DeployProblem.conflict("route", claim.routeKey() + " is taken by function '"
                            + other.descriptor().name() + "'");
                });
        busyNames.add(claim.name());
        busyRoutes.add(claim.routeKey());
        return claim;
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

    private FunctionView install(Claim claim, DeploySpec spec, CodeSource code) {
        long started = System.nanoTime();
        Path versionDir = null;
        boolean switched = false;
        try (ArtifactBuilder.Build build = builder.build(spec.language(), code)) {
            versionDir = place(build, claim);
            String module = functionsDir.getParent().relativize(versionDir.resolve(build.artifactFile())).toString();
            FunctionDescriptor descriptor = spec.toDescriptor(claim.name(), claim.method(), claim.route(), module, claim.version());
            switchTo(claim, descriptor);
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

    /** One transaction for the row(s), then the in-memory route, so callers see old or new, never neither. */
    private void switchTo(Claim claim, FunctionDescriptor descriptor) {
        FunctionDescriptor old = claim.current() == null ? null : claim.current().descriptor();
        synchronized (lock) {
            tx.executeWithoutResult(status -> {
                if (claim.movesRoute()) {
                    store.delete(old.method(), old.route());
                }
                store.upsert(descriptor);
            });
            table.put(store.toRoute(descriptor));
            if (claim.movesRoute()) {
                table.remove(old.method(), old.route());
            }
        }
        // a poll that read the table before this commit may publish after the put above; reloading
        // now (the sync serializes reloads) guarantees the newest state is published last
        sync.reloadNow();
        if (old != null) {
            retire(old, descriptor);
        }
    }

    /** Schedules removal of a replaced or deleted version's artifacts, if the platform owns them. */
    private void retire(FunctionDescriptor old, FunctionDescriptor replacement) {
        Path versionDir = store.modulePath(old.module()).getParent();
        boolean owned = versionDir != null && versionDir.getParent() != null
                && functionsDir.equals(versionDir.getParent().getParent());
        boolean stillUsed = replacement != null && store.modulePath(replacement.module()).startsWith(versionDir);
        if (owned && !stillUsed) {
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
