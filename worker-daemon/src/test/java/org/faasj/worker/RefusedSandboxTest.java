package org.faasj.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

import org.faasj.model.FunctionRuntime;
import org.faasj.model.WorkerOption;
import org.faasj.worker.WorkerHarness.Exchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A host that cannot isolate processes, with the sandbox required: nothing is started, every call says why. */
class RefusedSandboxTest {

    @TempDir
    Path dir;

    @Test
    void processFunctionsAnswer503NamingTheSandboxAndTheSetting() throws IOException {
        try (WorkerHarness worker = new WorkerHarness(dir, new WorkerConfig(WorkerHarness.options(dir)
                .set(WorkerOption.MAX_CONCURRENCY, 4).set(WorkerOption.WARM_TOTAL, 4).set(WorkerOption.CPU_SLOTS, 4)
                .set(WorkerOption.SANDBOX, "refused").build()))) {
            Path marker = dir.resolve("ran");
            Path php = worker.script("touch.php", "<?php touch('" + marker + "'); echo '{}';");
            Path sh = worker.script("touch.sh", "#!/bin/sh\ntouch " + marker + "\necho '{}'\n");
            for (Exchange ex : new Exchange[] {worker.call(Frames.of(FunctionRuntime.PHP, php).build()),
                    worker.call(Frames.native_(sh).build())}) {
                assertEquals(503, ex.response().status(), ex.response().text());
                assertTrue(ex.response().text().contains("cannot isolate"), ex.response().text());
                assertTrue(ex.response().text().contains("faas.sandbox.required=false"), ex.response().text());
            }
            assertTrue(!marker.toFile().exists(), "nothing was started");
        }
    }
}
