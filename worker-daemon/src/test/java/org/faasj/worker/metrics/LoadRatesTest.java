package org.faasj.worker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LoadRatesTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void cpuIsAShareOfAllCores() {
        // 100 ticks = 1 s of CPU over 1 s wall on 2 cores: half the machine
        LoadRates r = LoadRates.between(new ProcCounters(0, 1000, 0, 0), new ProcCounters(SECOND, 1100, 0, 0), 100, 2);
        assertEquals(50.0, r.cpuPercent(), 1e-9);
    }

    @Test
    void ioIsKilobytesPerSecondAndRssIsTheLaterReading() {
        LoadRates r = LoadRates.between(new ProcCounters(0, 0, 1 << 20, 0),
                new ProcCounters(SECOND / 2, 0, 64L << 20, 512 * 1024), 100, 2);
        assertEquals(1024.0, r.ioKbPerS(), 1e-9);
        assertEquals(64.0, r.rssMb(), 1e-9);
    }

    @Test
    void countersGoingBackwardsReadAsZeroAndCpuIsCapped() {
        LoadRates back = LoadRates.between(new ProcCounters(0, 500, 0, 900), new ProcCounters(SECOND, 400, 0, 100), 100, 2);
        assertEquals(0.0, back.cpuPercent());
        assertEquals(0.0, back.ioKbPerS());
        LoadRates burst = LoadRates.between(new ProcCounters(0, 0, 0, 0), new ProcCounters(SECOND, 1000, 0, 0), 100, 2);
        assertEquals(100.0, burst.cpuPercent());
    }

    @Test
    void noElapsedTimeMeansNoRate() {
        LoadRates r = LoadRates.between(new ProcCounters(5, 0, 0, 0), new ProcCounters(5, 100, 0, 100), 100, 2);
        assertEquals(0.0, r.cpuPercent());
    }
}
