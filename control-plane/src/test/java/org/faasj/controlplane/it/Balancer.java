package org.faasj.controlplane.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * nginx started by a test in front of two nodes, with the config of {@code examples/cluster/} (so
 * the example is what gets tested), its own prefix directory and a free port; no root, no service.
 */
final class Balancer implements AutoCloseable {

    final int port;
    private final Process process;
    private final Path errorLog;

    private Balancer(int port, Process process, Path errorLog) {
        this.port = port;
        this.process = process;
        this.errorLog = errorLog;
    }

    /** nginx's binary, on the PATH or where Debian puts it (often not on a non-root PATH), or null. */
    static Path nginx() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "nginx");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        Path debian = Path.of("/usr/sbin/nginx");
        return Files.isExecutable(debian) ? debian : null;
    }

    /** Starts nginx in {@code dir}, a new directory directly inside the test's temp dir. */
    static Balancer start(Path dir, int nodeA, int nodeB) throws Exception {
        Path template = Path.of(System.getProperty("faasj.repo", ".."), "examples", "cluster", "nginx.conf");
        int port = RunningPlatform.freePort();
        Files.createDirectories(dir);
        // started as root, nginx's workers run as nobody: they must reach their temp dirs in here,
        // which sits in the test's own (owner-only) temp dir
        for (Path p : new Path[] {dir.getParent(), dir}) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx--x--x"));
        }
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, Files.readString(template).replace("@PORT@", Integer.toString(port))
                .replace("@NODE_A_PORT@", Integer.toString(nodeA)).replace("@NODE_B_PORT@", Integer.toString(nodeB)));
        Path errorLog = dir.resolve("error.log");
        Process process = new ProcessBuilder(nginx().toString(), "-p", dir + "/", "-c", conf.toString(),
                "-e", errorLog.toString(), "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        Balancer balancer = new Balancer(port, process, errorLog);
        try {
            balancer.awaitListening();
        } catch (Throwable e) {
            balancer.close();
            throw e;
        }
        return balancer;
    }

    /**
     * Waits for nginx's listener only: a request through it would already try a node, and count
     * as a failure against it (a test may want nginx's first request to meet a dead node).
     */
    private void awaitListening() throws Exception {
        RunningPlatform.await(Duration.ofSeconds(20), () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited:\n" + errorLogText());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return true;
            } catch (IOException e) {
                return false;
            }
        }, "nginx listening on port " + port);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    String errorLogText() {
        try {
            return Files.exists(errorLog) ? Files.readString(errorLog) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy(); // SIGTERM: nginx's fast shutdown, its workers go with it
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
