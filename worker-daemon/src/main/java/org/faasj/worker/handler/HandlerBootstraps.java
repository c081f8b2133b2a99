package org.faasj.worker.handler;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** The handler bootstraps (resources {@code handler/}), copied into the worker's share directory at start. */
public final class HandlerBootstraps {

    public static final String PHP = "faas-handler.php";
    public static final String PYTHON = "faas_handler.py";

    private HandlerBootstraps() {
    }

    /** Copies both into {@code share} (shown read-only at /.faas in the sandbox). */
    public static void extractTo(Path share) throws IOException {
        for (String name : new String[] {PHP, PYTHON}) {
            Path target = share.resolve(name);
            try (InputStream in = HandlerBootstraps.class.getResourceAsStream("/handler/" + name)) {
                if (in == null) {
                    throw new IOException("/handler/" + name + " missing from the classpath");
                }
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
            // read by sandboxed processes under uids of their own
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }
}
