package org.faasj.controlplane.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class WorkersPropertiesTest {

    private static FaasProperties.Workers workers(int count, int cpuSlots) {
        return new FaasProperties.Workers(count, 32, 256, DataSize.ofMegabytes(6), Duration.ofMillis(500),
                Duration.ofSeconds(2), 2, 16, Duration.ofSeconds(30), cpuSlots, List.of(), Duration.ofSeconds(10),
                4, Duration.ofSeconds(60), 10_000);
    }

    @Test
    void cpuSlotsSplitTwoPerCoreOverTheWorkersRoundingUp() {
        assertEquals(1, workers(4, 0).cpuSlotsPerWorker(2)); // 4 over 4 workers
        assertEquals(2, workers(2, 0).cpuSlotsPerWorker(2));
        assertEquals(2, workers(3, 0).cpuSlotsPerWorker(2)); // 4 over 3: nobody gets less than the share
        assertEquals(8, workers(1, 0).cpuSlotsPerWorker(4));
    }

    @Test
    void atLeastOnePerWorkerAndAnExplicitValueWins() {
        assertEquals(1, workers(16, 0).cpuSlotsPerWorker(1));
        assertEquals(5, workers(4, 5).cpuSlotsPerWorker(2));
    }
}
