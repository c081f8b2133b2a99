package org.faasj.controlplane.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.faasj.controlplane.system.PrivateDirectoryTest.mode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class RunDirectoryTest {

    @TempDir
    Path tmp;

    @Test
    void aShortDataDirKeepsItsRunDirectoryAcrossStarts() throws Exception {
        Path dataDir = tmp.resolve("data");

        RunDirectory run = new RunDirectory(properties(dataDir));
        run.removeFallback();

        assertThat(run.path()).isEqualTo(dataDir.resolve("run")).isDirectory();
        assertThat(mode(dataDir)).isEqualTo("rwx------");
        assertThat(mode(run.path())).isEqualTo("rwx------");
        assertThat(new RunDirectory(properties(dataDir)).path()).isEqualTo(run.path());
    }

    @Test
    void theFallbackForALongDataDirIsFreshPrivateAndUnguessable() throws Exception {
        Path dataDir = longDataDir();
        Path first = RunDirectory.choose(dataDir);
        Path second = RunDirectory.choose(dataDir);
        try {
            assertThat(first).isNotEqualTo(second);
            assertThat(first.getParent()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath());
            assertThat(first.getFileName().toString()).startsWith(RunDirectory.FALLBACK_PREFIX);
            assertThat(mode(first)).isEqualTo("rwx------");
            assertThat(mode(second)).isEqualTo("rwx------");
            assertThat(first.resolve("worker-127/faas-spawn.sock").toString().length()).isLessThanOrEqualTo(107);
        } finally {
            RunDirectory.deleteQuietly(first);
            RunDirectory.deleteQuietly(second);
        }
    }

    @Test
    void theFallbackIsRemovedAtShutdown() throws Exception {
        RunDirectory run = new RunDirectory(properties(longDataDir()));
        Path jar = Files.writeString(Files.createDirectories(run.path().resolve("worker-1")).resolve("x.jar"), "x");

        run.removeFallback();

        assertThat(jar).doesNotExist();
        assertThat(run.path()).doesNotExist();
    }

    @Test
    void aDataDirJustShortEnoughForTheWorkerSocketsButNotTheForkServersFallsBack() {
        // <data-dir>/run/worker-127/faas-spawn.sock comes out one byte over the 107; worker-127.sock fits easily
        int padding = 108 - "/run/worker-127/faas-spawn.sock".length() - tmp.toString().length() - 1;
        Path dataDir = tmp.resolve("d".repeat(padding));
        Path chosen = RunDirectory.choose(dataDir);
        try {
            assertThat(chosen.getFileName().toString()).startsWith(RunDirectory.FALLBACK_PREFIX);
        } finally {
            RunDirectory.deleteQuietly(chosen);
        }
    }

    /** Too long for {@code <data-dir>/run/worker-N.sock} to fit in an AF_UNIX address. */
    private Path longDataDir() {
        return tmp.resolve("d".repeat(100));
    }

    private static FaasProperties properties(Path dataDir) {
        return new Binder(new MapConfigurationPropertySource(Map.of("faas.data-dir", dataDir.toString())))
                .bind("faas", FaasProperties.class).get();
    }
}
