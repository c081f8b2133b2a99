package org.faasj.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class WorkerConfigTest {

    @Test
    void parsesTheControlPlanesCommandLine() {
        WorkerConfig c = WorkerConfig.parse("--id", "0", "--socket", "/r/worker-0.sock", "--metrics", "/r/metrics.sock",
                "--scratch", "/r/worker-0", "--max-concurrency", "32", "--max-queued", "256",
                "--output-cap", "6291456", "--metrics-interval-ms", "500");
        assertEquals(new WorkerConfig(0, Path.of("/r/worker-0.sock"), Path.of("/r/metrics.sock"), Path.of("/r/worker-0"),
                32, 256, 6291456, 500, WorkerConfig.DEFAULT_FUNCTION_PATH), c);
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
        assertEquals(2 * java.lang.Runtime.getRuntime().availableProcessors(), defaults.cpuSlots());
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
        assertEquals(WorkerConfig.DEFAULT_BODY_IDLE_MS, defaults.bodyIdleMs());
        assertEquals(WorkerConfig.DEFAULT_MAX_BODY_BYTES, defaults.maxBodyBytes());
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
    void stderrIsNotExposedUnlessAsked() {
        assertFalse(WorkerConfig.parse("--id", "0", "--socket", "/s", "--metrics", "/m", "--scratch", "/d").exposeStderr());
        assertTrue(WorkerConfig.parse("--id", "0", "--socket", "/s", "--metrics", "/m", "--scratch", "/d",
                "--expose-stderr", "true").exposeStderr());
    }
}
