package org.faasj.worker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileOutputStream;
import java.nio.file.Path;
import java.util.List;

import org.faasj.worker.spawn.SandboxLimits;
import org.faasj.worker.spawn.SpawnRequest;
import org.faasj.worker.spawn.SpawnedProcess;
import org.faasj.worker.spawn.Spawner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        assertEquals(0, ProcReader.rssBytesFromStatus("Name:\tfaas-launcher\nVmRSS:\t    2048 kB\n"),
                "a launcher's memory is the fork server's, counted there");
        assertEquals(300, ProcReader.ioBytesFromIo("rchar: 100\nwchar: 200\nsyscr: 7\n"));
    }

    @Test
    void readsThisProcess() {
        ProcCounters c = new ProcReader().read();
        assertTrue(c.cpuTicks() > 0);
        assertTrue(c.rssBytes() > 1 << 20);
        assertTrue(c.ioBytes() > 0);
    }

    /** Functions are children of faas-spawn, not of the worker: their CPU must still be counted. */
    @Test
    void countsFunctionsReapedByTheForkServer(@TempDir Path dir) throws Exception {
        try (Spawner spawner = Spawner.start(dir)) {
            String server = Long.toString(spawner.serverPid());
            assertTrue(ProcessHandle.current().descendants().anyMatch(p -> p.pid() == spawner.serverPid()));
            long before = ProcReader.cpuTicks(server);
            SpawnedProcess burner;
            try (FileOutputStream err = new FileOutputStream(dir.resolve("err").toFile())) {
                burner = spawner.spawn(new SpawnRequest(List.of("/bin/sh", "-c",
                        "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done"),
                        List.of("PATH=/usr/bin:/bin"), dir, 0, 0, false, SandboxLimits.DEFAULT), err.getFD());
            }
            assertEquals(0, burner.waitFor());
            burner.closeStreams(false);
            assertTrue(ProcReader.cpuTicks(server) - before >= 5, "the server's cutime/cstime took the function's CPU");
        }
    }
}
