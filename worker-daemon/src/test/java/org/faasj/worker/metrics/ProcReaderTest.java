package org.faasj.worker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcReaderTest {

    @Test
    void sumsUserSystemAndChildTicksEvenWithAnAwkwardCommandName() {
        String stat = "1234 (java (x) y) S 1 1234 1234 0 -1 4194560 100 0 0 0 11 22 33 44 20 0 30 0 5 1 2 3";
        assertEquals(11 + 22 + 33 + 44, ProcReader.cpuTicksFromStat(stat));
    }

    @Test
    void readsRssAndIo() {
        assertEquals(2048L * 1024, ProcReader.rssBytesFromStatus("Name:\tjava\nVmRSS:\t    2048 kB\nThreads: 3\n"));
        assertEquals(0, ProcReader.rssBytesFromStatus("Name:\tkthread\n"));
        assertEquals(300, ProcReader.ioBytesFromIo("rchar: 100\nwchar: 200\nsyscr: 7\n"));
    }

    @Test
    void readsThisProcess() {
        ProcCounters c = new ProcReader().read();
        assertTrue(c.cpuTicks() > 0);
        assertTrue(c.rssBytes() > 1 << 20);
        assertTrue(c.ioBytes() > 0);
    }
}
