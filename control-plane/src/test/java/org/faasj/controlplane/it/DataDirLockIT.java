package org.faasj.controlplane.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second control plane on a data dir that one already uses stops at start with a message naming
 * the first, which keeps serving; after a {@code kill -9} of the first the dir is free again.
 */
class DataDirLockIT {

    @TempDir
    Path tmp;

    @Test
    void aSecondControlPlaneOnTheSameDataDir_refusesToStart_andTheFirstKeepsServing() throws Exception {
        Path dataDir = tmp.resolve("data");
        try (RunningPlatform first = RunningPlatform.start(dataDir)) {
            Path log = tmp.resolve("second.log");
            Process second = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-Djava.io.tmpdir=" + Files.createDirectories(tmp.resolve("second-tmp")),
                    "-jar", System.getProperty("faasj.jar"),
                    "--faas.gateway.port=" + RunningPlatform.freePort(), "--faas.data-dir=" + dataDir)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean exited = second.waitFor(60, TimeUnit.SECONDS);
            if (!exited) {
                second.destroyForcibly().waitFor();
            }
            String output = Files.readString(log);
            assertTrue(exited, "the second control plane stopped by itself:\n" + output);
            assertNotEquals(0, second.exitValue(), output);
            assertTrue(output.contains("is in use by another control plane (pid " + first.process.pid() + ")"), output);

            assertEquals(200, first.get("/actuator/health").statusCode(), "the first still answers");
            List<Long> workers = first.workerPids();
            assertEquals(2, workers.size(), "the first keeps its workers: " + workers);

            first.process.destroyForcibly().waitFor();
        }
        try (RunningPlatform again = RunningPlatform.start(dataDir)) {
            assertEquals(200, again.get("/actuator/health").statusCode(), "after kill -9 the dir is free for a restart");
        }
    }
}
