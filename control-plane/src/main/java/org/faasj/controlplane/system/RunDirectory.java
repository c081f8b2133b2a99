package org.faasj.controlplane.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.stereotype.Component;

/**
 * Where the sockets between control plane and workers and the extracted worker jar live.
 * Normally {@code <data-dir>/run}; AF_UNIX paths are limited to 107 bytes, so a data dir with a
 * long path falls back to a directory under the system temp dir.
 */
@Component
public class RunDirectory {

    /** Longest socket file name we create below the directory, e.g. {@code worker-127.sock}. */
    private static final int LONGEST_SOCKET_NAME = 20;
    private static final int SUN_PATH_MAX = 107;

    private final Path path;

    public RunDirectory(FaasProperties properties) {
        this.path = choose(properties.dataDir().toAbsolutePath().normalize());
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create run directory " + path, e);
        }
    }

    static Path choose(Path dataDir) {
        Path preferred = dataDir.resolve("run");
        if (preferred.toString().length() + 1 + LONGEST_SOCKET_NAME <= SUN_PATH_MAX) {
            return preferred;
        }
        String tag = Integer.toHexString(dataDir.toString().hashCode());
        return Path.of(System.getProperty("java.io.tmpdir"), "faasj-" + tag);
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
}
