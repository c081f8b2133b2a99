package org.faasj.controlplane.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import jakarta.annotation.PreDestroy;

/**
 * Where the sockets between control plane and workers and the extracted worker jar live.
 * Normally {@code <data-dir>/run}; AF_UNIX paths are limited to 107 bytes, so a data dir with a
 * long path falls back to a fresh directory under the system temp dir, removed at shutdown.
 * Either way the directory is private to the platform's user (see {@link PrivateDirectory}).
 */
@Component
public class RunDirectory {

    private static final Logger log = LoggerFactory.getLogger(RunDirectory.class);
    /**
     * Longest socket path below the directory: a worker's fork server listens in the worker's
     * scratch dir, longer than {@code worker-127.sock} or {@code metrics.sock} beside it.
     */
    static final int LONGEST_SOCKET_NAME = "worker-127/faas-spawn.sock".length();
    private static final int SUN_PATH_MAX = 107;
    static final String FALLBACK_PREFIX = "faasj-run-";

    private final Path path;
    private final boolean temporary;

    public RunDirectory(FaasProperties properties) {
        Path dataDir = PrivateDirectory.ensure(properties.dataDir());
        this.path = choose(dataDir);
        this.temporary = !path.equals(dataDir.resolve("run"));
        if (temporary) {
            log.info("The path of data dir {} is too long for Unix sockets; using {} until shutdown", dataDir, path);
        }
    }

    /**
     * Creates the run directory for {@code dataDir}. The fallback gets a random name: a fixed one
     * (it was {@code faasj-<hash>}) could be made in advance by another user, who could then swap
     * the worker jar or the fork server in it.
     */
    static Path choose(Path dataDir) {
        Path preferred = dataDir.resolve("run");
        if (fitsSockets(preferred)) {
            return PrivateDirectory.ensure(preferred);
        }
        Path fallback = PrivateDirectory.createTemp(Path.of(System.getProperty("java.io.tmpdir")), FALLBACK_PREFIX);
        if (!fitsSockets(fallback)) {
            deleteQuietly(fallback);
            throw new IllegalStateException("both " + preferred + " and the temp dir " + fallback.getParent()
                    + " are too long for Unix socket paths (" + SUN_PATH_MAX + " bytes); choose a shorter"
                    + " faas.data-dir or -Djava.io.tmpdir");
        }
        return fallback;
    }

    private static boolean fitsSockets(Path dir) {
        return dir.toString().length() + 1 + LONGEST_SOCKET_NAME <= SUN_PATH_MAX;
    }

    /** Best effort: a killed platform leaves its fallback directory behind (only its user can enter it). */
    @PreDestroy
    void removeFallback() {
        if (temporary) {
            deleteQuietly(path);
        }
    }

    /** Recursive delete that does not follow symbolic links out of the tree. */
    static void deleteQuietly(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Could not remove the run directory {}: {}", root, e.toString());
        }
    }

    public Path path() {
        return path;
    }

    public Path workerSocket(int workerId) {
        return path.resolve("worker-" + workerId + ".sock");
    }

    public Path metricsSocket() {
        return path.resolve("metrics.sock");
    }

    /** The gateway's internal entry: calls the control plane runs itself (async calls), see gateway.InternalEntry. */
    public Path gatewaySocket() {
        return path.resolve("gateway.sock");
    }

    /** Where workers send their invocation records ({@code calls.CallRecordReceiver} binds it). */
    public Path callsSocket() {
        return path.resolve("calls.sock");
    }
}
