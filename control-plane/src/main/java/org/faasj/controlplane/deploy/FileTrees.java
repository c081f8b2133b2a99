package org.faasj.controlplane.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Recursive delete that does not follow symbolic links out of the tree. */
final class FileTrees {

    private static final Logger log = LoggerFactory.getLogger(FileTrees.class);

    private FileTrees() {
    }

    static void delete(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    static void deleteQuietly(Path root) {
        try {
            delete(root);
        } catch (IOException e) {
            log.warn("Could not remove {}: {}", root, e.toString());
        }
    }
}
