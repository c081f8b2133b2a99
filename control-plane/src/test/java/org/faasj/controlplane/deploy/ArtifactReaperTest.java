package org.faasj.controlplane.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.faasj.controlplane.routing.StoredRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactReaperTest {

    @TempDir
    Path functions;

    @Test
    void sweepOrphans_removesOnlyVersionsNoRowMentions() throws Exception {
        Path live = file("hello/2/function.php");
        Path old = file("hello/1/function.php");
        Path deleted = file("gone/3/module.bin");
        Path seed = file("ping/1/ping.php");
        List<StoredRow> rows = List.of(
                new StoredRow("POST:/api/hello", "{\"module\":\"functions/hello/2/function.php\"}", 1),
                new StoredRow("GET:/ping", "{broken json but mentions functions/ping/1/ping.php", 1));

        List<Path> removed = ArtifactReaper.sweepOrphans(functions, rows);

        assertEquals(2, removed.size(), removed.toString());
        assertTrue(Files.exists(live));
        assertTrue(Files.exists(seed));
        assertFalse(Files.exists(old.getParent()));
        assertFalse(Files.exists(deleted.getParent()));
    }

    @Test
    void reclaim_cancelsAPendingRemoval() throws Exception {
        Path dir = file("f/1/function.php").getParent();
        try (ArtifactReaper reaper = new ArtifactReaper()) {
            reaper.removeLater(dir, Duration.ofMillis(200));
            reaper.reclaim(dir); // deletes now, and the scheduled removal must not hit what comes next
            assertFalse(Files.exists(dir));
            Files.createDirectories(dir);
            Thread.sleep(400);
            assertTrue(Files.exists(dir));
        }
    }

    private Path file(String relative) throws Exception {
        Path file = functions.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "x");
        return file;
    }
}
