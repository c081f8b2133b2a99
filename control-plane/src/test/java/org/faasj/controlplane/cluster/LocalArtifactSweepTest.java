package org.faasj.controlplane.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.faasj.controlplane.cluster.LocalArtifactSweep.InUse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalArtifactSweepTest {

    static final Duration GRACE = Duration.ofSeconds(10);

    @TempDir
    Path functions;
    final AtomicLong nanos = new AtomicLong();
    final List<InUse> inUse = new ArrayList<>();
    LocalArtifactSweep sweep;
    Path v1;
    Path v2;

    @BeforeEach
    void setUp() throws Exception {
        v1 = Files.createDirectories(functions.resolve("fn/1"));
        v2 = Files.createDirectories(functions.resolve("fn/2"));
        Files.writeString(v1.resolve("fn.php"), "1");
        sweep = new LocalArtifactSweep(functions, () -> List.copyOf(inUse), GRACE, nanos::get);
    }

    @Test
    void versionNoLongerUsed_goesOnlyAfterItsTimeoutPlusGrace() throws Exception {
        inUse.add(new InUse(v1, 5));
        inUse.add(new InUse(v2, 5));
        assertThat(sweep.sweepOnce()).isEmpty();

        inUse.remove(0); // v1 retired
        assertThat(sweep.sweepOnce()).isEmpty();
        advance(Duration.ofSeconds(14));
        assertThat(sweep.sweepOnce()).as("a call started just before the switch may still run").isEmpty();
        advance(Duration.ofSeconds(1));
        assertThat(sweep.sweepOnce()).containsExactly(v1.toAbsolutePath().normalize());

        assertThat(v1).doesNotExist();
        assertThat(v2).exists();
    }

    @Test
    void versionUsedAgainBeforeItsTime_isKept() throws Exception {
        inUse.add(new InUse(v1, 5));
        inUse.add(new InUse(v2, 5));
        sweep.sweepOnce();
        inUse.remove(0);
        sweep.sweepOnce();
        advance(Duration.ofSeconds(10));
        inUse.add(new InUse(v1, 5)); // rolled back to it
        sweep.sweepOnce();
        advance(Duration.ofMinutes(5));

        assertThat(sweep.sweepOnce()).isEmpty();
        assertThat(v1).exists();
    }

    @Test
    void directoryNeverSeenInUse_getsTheLongerUnknownHold() throws Exception {
        inUse.add(new InUse(v2, 5));
        sweep.sweepOnce();
        advance(Duration.ofSeconds(LocalArtifactSweep.UNKNOWN_TIMEOUT_SECONDS).plus(GRACE).minusSeconds(1));
        assertThat(sweep.sweepOnce()).isEmpty();
        advance(Duration.ofSeconds(1));
        assertThat(sweep.sweepOnce()).containsExactly(v1.toAbsolutePath().normalize());
    }

    @Test
    void storeUnreadable_removesNothing() throws Exception {
        LocalArtifactSweep failing = new LocalArtifactSweep(functions, () -> {
            throw new IllegalStateException("store down");
        }, GRACE, nanos::get);
        advance(Duration.ofHours(1));

        assertThatThrownBy(failing::sweepOnce).hasMessageContaining("store down");
        assertThat(v1).exists();
        assertThat(v2).exists();
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }
}
