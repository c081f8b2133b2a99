package org.faasj.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import org.faasj.model.WorkerOption;
import org.faasj.worker.spawn.SandboxConfig;
import org.faasj.worker.spawn.SandboxMode;

import org.junit.jupiter.api.Test;

class WorkerConfigTest {

    @Test
    void parsesTheControlPlanesCommandLine() {
        WorkerConfig c = WorkerConfig.parse("--id", "0", "--socket", "/r/worker-0.sock", "--metrics", "/r/metrics.sock",
                "--scratch", "/r/worker-0", "--max-concurrency", "32", "--max-queued", "256",
                "--output-cap", "6291456", "--metrics-interval-ms", "500");
        assertEquals(0, c.id());
        assertEquals(Path.of("/r/worker-0.sock"), c.socket());
        assertEquals(Path.of("/r/metrics.sock"), c.metricsSocket());
        assertEquals(Path.of("/r/worker-0"), c.scratch());
        assertEquals(32, c.maxConcurrency());
        assertEquals(256, c.maxQueued());
        assertEquals(6291456, c.outputCap());
        assertEquals(500, c.metricsIntervalMs());
        assertEquals("/usr/local/bin:/usr/bin:/bin", c.functionPath());
    }

    @Test
    void warmPoolOptionsHaveDefaultsAndCanBeSet() {
        WorkerConfig defaults = WorkerConfig.parse("--id", "0", "--socket", "/s", "--metrics", "/m", "--scratch", "/d");
        assertEquals(2, defaults.warmPerFunction());
        assertEquals(16, defaults.warmTotal());
        assertEquals(30_000, defaults.warmIdleMs());

        WorkerConfig set = WorkerConfig.parse("--id", "0", "--socket", "/s", "--metrics", "/m", "--scratch", "/d",
                "--warm-per-function", "0", "--warm-total", "4", "--warm-idle-ms", "1000");
        assertEquals(0, set.warmPerFunction());
        assertEquals(4, set.warmTotal());
        assertEquals(1000, set.warmIdleMs());
        assertThrows(IllegalArgumentException.class, () -> WorkerConfig.parse("--id", "0", "--socket", "/s",
                "--metrics", "/m", "--scratch", "/d", "--warm-total", "-1"));
    }

    @Test
    void cpuSlotsDefaultToTwoPerCoreAndMustBePositive() {
        WorkerConfig defaults = WorkerConfig.parse("--id", "0", "--socket", "/s", "--metrics", "/m", "--scratch", "/d");
        assertEquals(2 * Runtime.getRuntime().availableProcessors(), defaults.cpuSlots());
        assertEquals(3, WorkerConfig.parse("--id", "0", "--socket", "/s", "--metrics", "/m", "--scratch", "/d",
                "--cpu-slots", "3").cpuSlots());
        assertThrows(IllegalArgumentException.class, () -> WorkerConfig.parse("--id", "0", "--socket", "/s",
                "--metrics", "/m", "--scratch", "/d", "--cpu-slots", "0"));
    }

    @Test
    void refusesUnknownMissingOrUnpairedOptions() {
        assertThrows(IllegalArgumentException.class, () -> WorkerConfig.parse("--id", "0"));
        assertThrows(IllegalArgumentException.class, () -> WorkerConfig.parse("--id", "0", "--socket", "/s",
                "--metrics", "/m", "--scratch", "/d", "--colour", "blue"));
        assertThrows(IllegalArgumentException.class, () -> WorkerConfig.parse("--id"));
        assertThrows(IllegalArgumentException.class, () -> WorkerConfig.parse("--id", "0", "--socket", "/s",
                "--metrics", "/m", "--scratch", "/d", "--max-concurrency", "0"));
    }

    @Test
    void bodyLimitsHaveDefaultsAndMustBePositive() {
        WorkerConfig defaults = WorkerConfig.parse("--id", "0", "--socket", "/s", "--metrics", "/m", "--scratch", "/d");
        assertEquals(10_000, defaults.bodyIdleMs());
        assertEquals(8L << 20, defaults.maxBodyBytes());
        WorkerConfig set = WorkerConfig.parse("--id", "0", "--socket", "/s", "--metrics", "/m", "--scratch", "/d",
                "--body-idle-ms", "2500", "--max-body-bytes", "1048576");
        assertEquals(2500, set.bodyIdleMs());
        assertEquals(1 << 20, set.maxBodyBytes());
        assertThrows(IllegalArgumentException.class, () -> WorkerConfig.parse("--id", "0", "--socket", "/s",
                "--metrics", "/m", "--scratch", "/d", "--body-idle-ms", "0"));
        assertThrows(IllegalArgumentException.class, () -> WorkerConfig.parse("--id", "0", "--socket", "/s",
                "--metrics", "/m", "--scratch", "/d", "--max-body-bytes", "-1"));
    }

    @Test
    void sandboxOptionsMakeTheForkServersSettings() {
        WorkerConfig off = WorkerConfig.parse("--id", "0", "--socket", "/s", "--metrics", "/m", "--scratch", "/d");
        assertEquals(new SandboxConfig(SandboxMode.OFF, 0, 1, 0), off.sandbox());
        WorkerConfig on = WorkerConfig.parse("--id", "0", "--socket", "/s", "--metrics", "/m", "--scratch", "/d",
                "--sandbox", "on", "--sandbox-uid-base", "1500000001", "--sandbox-uid-count", "1024",
                "--sandbox-memory-mb", "512");
        assertEquals(new SandboxConfig(SandboxMode.ON, 1_500_000_001L, 1024, 512), on.sandbox());
        IllegalArgumentException noRange = assertThrows(IllegalArgumentException.class, () -> WorkerConfig.parse(
                "--id", "0", "--socket", "/s", "--metrics", "/m", "--scratch", "/d", "--sandbox", "on"));
        assertEquals("--sandbox on needs --sandbox-uid-base", noRange.getMessage());
    }

    /** The worker's README lists every option, so a new one gets documented where operators look. */
    @Test
    void everyOptionIsInTheWorkersReadme() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        List<String> missing = Arrays.stream(WorkerOption.values()).map(WorkerOption::flag)
                .filter(flag -> !Pattern.compile(Pattern.quote(flag) + "(?![\\w-])").matcher(readme).find()).toList();
        assertTrue(missing.isEmpty(), "worker-daemon/README.md does not mention " + missing);
    }

    @Test
    void stderrIsNotExposedUnlessAsked() {
        assertFalse(WorkerConfig.parse("--id", "0", "--socket", "/s", "--metrics", "/m", "--scratch", "/d").exposeStderr());
        assertTrue(WorkerConfig.parse("--id", "0", "--socket", "/s", "--metrics", "/m", "--scratch", "/d",
                "--expose-stderr", "true").exposeStderr());
        assertThrows(IllegalArgumentException.class, () -> WorkerConfig.parse("--id", "0", "--socket", "/s",
                "--metrics", "/m", "--scratch", "/d", "--expose-stderr", "yes"));
    }
}
