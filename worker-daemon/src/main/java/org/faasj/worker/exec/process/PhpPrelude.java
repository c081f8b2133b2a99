package org.faasj.worker.exec.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** The PHP prelude (src/main/resources/php/faas-prelude.php), copied to the scratch directory at start. */
public final class PhpPrelude {

    private static final String RESOURCE = "/php/faas-prelude.php";

    private PhpPrelude() {
    }

    public static Path extractTo(Path dir) throws IOException {
        Path target = dir.resolve("faas-prelude.php");
        try (InputStream in = PhpPrelude.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException(RESOURCE + " missing from the classpath");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        // read by sandboxed processes under uids of their own
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
        return target;
    }
}
