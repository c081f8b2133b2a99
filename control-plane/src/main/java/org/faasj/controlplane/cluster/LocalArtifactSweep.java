package org.faasj.controlplane.cluster;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Removes this node's copies of versions that no route and no kept version uses any more. On the
 * node that deployed, the deployer already does this; on every other node a version retired by
 * retention, or a deleted function, would otherwise stay on disk until the next start's sweep.
 *
 * <p>A directory goes only after it has been unused for its last descriptor's timeout plus the
 * cleanup grace, as with the deployer's own removal: a call handed to a worker just before the
 * switch may still be running it. A failed read of the store removes nothing.
 */
final class LocalArtifactSweep implements SmartLifecycle {

    /** One version directory something still runs from, and how long a call of it may take. */
    record InUse(Path dir, int timeoutSeconds) {
    }

    static final Duration EVERY = Duration.ofSeconds(30);
    /** Hold for a directory never seen in use (a deploy on this node between rename and commit). */
    static final int UNKNOWN_TIMEOUT_SECONDS = 60;
    private static final Logger log = LoggerFactory.getLogger(LocalArtifactSweep.class);

    private final Path functionsDir;
    private final Supplier<List<InUse>> inUse;
    private final Duration grace;
    private final LongSupplier nanoClock;
    private final Map<Path, Integer> lastTimeout = new HashMap<>();
    private final Map<Path, Long> removeAt = new HashMap<>();
    private ScheduledExecutorService timer;

    LocalArtifactSweep(Path functionsDir, Supplier<List<InUse>> inUse, Duration grace, LongSupplier nanoClock) {
        this.functionsDir = functionsDir;
        this.inUse = inUse;
        this.grace = grace;
        this.nanoClock = nanoClock;
    }

    /** @return the directories removed by this pass */
    synchronized List<Path> sweepOnce() throws IOException {
        Map<Path, Integer> used = new HashMap<>();
        inUse.get().forEach(u -> used.merge(u.dir(), u.timeoutSeconds(), Math::max));
        lastTimeout.putAll(used);
        long now = nanoClock.getAsLong();
        List<Path> removed = new ArrayList<>();
        for (Path dir : versionDirs()) {
            if (used.containsKey(dir)) {
                removeAt.remove(dir);
                continue;
            }
            long hold = Duration.ofSeconds(lastTimeout.getOrDefault(dir, UNKNOWN_TIMEOUT_SECONDS)).plus(grace).toNanos();
            long due = removeAt.computeIfAbsent(dir, d -> now + hold);
            if (now - due >= 0) {
                deleteTree(dir);
                removeAt.remove(dir);
                lastTimeout.remove(dir);
                removed.add(dir);
            }
        }
        return removed;
    }

    private List<Path> versionDirs() throws IOException {
        List<Path> dirs = new ArrayList<>();
        if (!Files.isDirectory(functionsDir)) {
            return dirs;
        }
        try (DirectoryStream<Path> functions = Files.newDirectoryStream(functionsDir, Files::isDirectory)) {
            for (Path function : functions) {
                try (DirectoryStream<Path> versions = Files.newDirectoryStream(function, Files::isDirectory)) {
                    versions.forEach(v -> dirs.add(v.toAbsolutePath().normalize()));
                }
            }
        }
        return dirs;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private void sweepSafely() {
        try {
            List<Path> removed = sweepOnce();
            if (!removed.isEmpty()) {
                log.info("Removed {} local version directories no route or kept version uses: {}", removed.size(), removed);
            }
        } catch (Exception e) {
            log.debug("Local artifact sweep skipped: {}", e.toString()); // the store may be down; try again later
        }
    }

    @Override
    public synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "artifact-sweep");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::sweepSafely, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return timer != null;
    }
}
