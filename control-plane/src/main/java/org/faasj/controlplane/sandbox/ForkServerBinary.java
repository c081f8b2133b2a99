package org.faasj.controlplane.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;

/**
 * The control plane's own copy of faas-spawn, for the probe and for builds. It is compiled into the
 * worker daemon's jar, which the control plane carries as a resource; this takes it out of there.
 */
final class ForkServerBinary {

    static final String WORKER_JAR = "/worker/worker-daemon.jar";
    private static final String ENTRY = "native/faas-spawn";

    private ForkServerBinary() {
    }

    /** Extracts the binary into {@code dir}, or returns null when this build carries no worker jar (unit tests). */
    static Path extractTo(Path dir) throws IOException {
        try (InputStream jar = ForkServerBinary.class.getResourceAsStream(WORKER_JAR)) {
            if (jar == null) {
                return null;
            }
            try (JarInputStream entries = new JarInputStream(jar)) {
                for (JarEntry e = entries.getNextJarEntry(); e != null; e = entries.getNextJarEntry()) {
                    if (e.getName().equals(ENTRY)) {
                        return install(entries, dir.resolve("faas-spawn"));
                    }
                }
            }
        }
        throw new IOException(ENTRY + " is missing from " + WORKER_JAR);
    }

    /** Written under another name and renamed, so nobody ever runs a half-written file. */
    static Path install(InputStream content, Path target) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), "faas-spawn", ".tmp");
        Files.copy(content, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
        return Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
