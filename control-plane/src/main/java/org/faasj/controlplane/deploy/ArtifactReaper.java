package org.faasj.controlplane.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.faasj.controlplane.routing.StoredRow;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes artifacts of replaced or deleted versions once nothing can still run them: a request
 * handed to a worker just before the switch may run until the old version's timeout, so removal
 * waits that long plus a grace period.
 */
final class ArtifactReaper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ArtifactReaper.class);

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "artifact-reaper");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<Path, ScheduledFuture<?>> pending = new ConcurrentHashMap<>();

    void removeLater(Path versionDir, Duration delay) {
        ScheduledFuture<?> future = scheduler.schedule(() -> remove(versionDir), delay.toMillis(), TimeUnit.MILLISECONDS);
        ScheduledFuture<?> previous = pending.put(versionDir, future);
        if (previous != null) {
            previous.cancel(false);
        }
        log.debug("Removing {} in {}", versionDir, delay);
    }

    /**
     * A deploy is about to install into this directory: drop a pending removal and whatever is left
     * there (a deleted function's old version, or a build interrupted by a crash).
     */
    void reclaim(Path versionDir) throws IOException {
        ScheduledFuture<?> future = pending.remove(versionDir);
        if (future != null) {
            future.cancel(false);
        }
        FileTrees.delete(versionDir);
    }

    /**
     * At startup nothing can be running an old version, so version directories no row (route or
     * kept version) mentions are leftovers: removals pending when the platform stopped, or a deploy cut short
     * between the rename and the commit. The check is deliberately loose (any row whose JSON
     * contains the directory's relative path keeps it), so a hand-written row is never broken.
     *
     * @return the directories removed
     */
    static List<Path> sweepOrphans(Path functionsDir, List<StoredRow> rows) throws IOException {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(functionsDir)) {
            return removed;
        }
        try (Stream<Path> functions = Files.list(functionsDir)) {
            for (Path function : functions.filter(Files::isDirectory).toList()) {
                try (Stream<Path> versions = Files.list(function)) {
                    for (Path version : versions.filter(Files::isDirectory).toList()) {
                        String relative = "functions/" + function.getFileName() + "/" + version.getFileName() + "/";
                        if (rows.stream().noneMatch(row -> row.json().contains(relative))) {
                            FileTrees.delete(version);
                            removed.add(version);
                        }
                    }
                }
            }
        }
        return removed;
    }

    private void remove(Path versionDir) {
        pending.remove(versionDir);
        FileTrees.deleteQuietly(versionDir);
        Path functionDir = versionDir.getParent();
        try (var rest = Files.list(functionDir)) {
            if (rest.findAny().isEmpty()) {
                Files.deleteIfExists(functionDir);
            }
        } catch (IOException e) {
            log.trace("{} kept: {}", functionDir, e.toString()); // a new deploy may have just created it
        }
        log.debug("Removed {}", versionDir);
    }

    /** Pending removals are dropped: an old directory left behind costs disk, never correctness. */
    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
