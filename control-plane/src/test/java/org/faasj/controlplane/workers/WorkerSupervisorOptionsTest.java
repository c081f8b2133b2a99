package org.faasj.controlplane.workers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.faasj.controlplane.sandbox.SandboxStatus;
import org.faasj.controlplane.system.FaasProperties;
import org.faasj.controlplane.system.RunDirectory;
import org.faasj.model.WorkerOption;
import org.faasj.model.WorkerOptions;
import org.faasj.worker.WorkerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The command line the supervisor gives a worker, read back by the worker's own parser. */
class WorkerSupervisorOptionsTest {

    private static final SandboxStatus SANDBOXED =
            new SandboxStatus("full", "cgroup-v2", "cgroup-v2", "per-call", "isolatable", List.of(), SandboxStatus.Mode.ON);

    @TempDir
    Path dataDir;
    private RunDirectory runDirectory;

    private WorkerSupervisor supervisor(Map<String, String> settings) {
        Map<String, String> all = new java.util.HashMap<>(settings);
        all.put("faas.data-dir", dataDir.toString());
        FaasProperties properties = new Binder(new MapConfigurationPropertySource(all))
                .bindOrCreate("faas", FaasProperties.class);
        runDirectory = new RunDirectory(properties);
        return new WorkerSupervisor(properties, runDirectory, new WorkerPool(properties), SANDBOXED);
    }

    @Test
    void everyRenderedOptionIsParsedBackToTheSameValue() {
        WorkerSupervisor supervisor = supervisor(Map.of("faas.workers.max-concurrency", "7",
                "faas.workers.output-cap", "3MB", "faas.workers.warm-idle", "2m", "faas.workers.cpu-slots", "5",
                "faas.workers.body-read-timeout", "1500ms", "faas.gateway.max-body-size", "2GB",
                "faas.sandbox.worker-memory", "300MB"));
        WorkerOptions rendered = supervisor.options(2);
        WorkerConfig parsed = WorkerConfig.parse(rendered.toArgs().toArray(String[]::new));

        assertThat(parsed.options()).isEqualTo(rendered);
        for (WorkerOption option : rendered.given()) {
            assertThat(parsed.options().value(option)).as(option.flag()).isEqualTo(rendered.value(option));
        }
        // the control plane has a source for every option but the functions' PATH
        assertThat(rendered.given()).containsExactlyInAnyOrder(java.util.Arrays.stream(WorkerOption.values())
                .filter(o -> o != WorkerOption.FUNCTION_PATH).toArray(WorkerOption[]::new));
        assertThat(parsed.id()).isEqualTo(2);
        assertThat(parsed.maxConcurrency()).isEqualTo(7);
        assertThat(parsed.outputCap()).isEqualTo(3 << 20);
        assertThat(parsed.warmIdleMs()).isEqualTo(120_000);
        assertThat(parsed.cpuSlots()).isEqualTo(5);
        assertThat(parsed.bodyIdleMs()).isEqualTo(1500);
        assertThat(parsed.maxBodyBytes()).isEqualTo(2L << 30);
        assertThat(parsed.sandbox().on()).isTrue();
        assertThat(parsed.sandbox().uidBase()).isEqualTo(1_500_000_000L + 1 + 2 * 1024);
        assertThat(parsed.sandbox().memoryMb()).isEqualTo(300);
    }

    /** The flags and values the supervisor wrote before the option table (plus --expose-stderr, --calls, --max-call-log-bytes and the handler-mode options, added since), for the default settings. */
    @Test
    void theDefaultCommandLineIsTheOneWorkersAlwaysGot() {
        WorkerSupervisor supervisor = supervisor(Map.of("faas.workers.cpu-slots", "3",
                "faas.sandbox.worker-memory", "1GB"));
        Path run = runDirectory.path();
        List<String> expected = new ArrayList<>(List.of("--id", "1", "--socket", run.resolve("worker-1.sock").toString(),
                "--metrics", run.resolve("metrics.sock").toString(), "--scratch", run.resolve("worker-1").toString(),
                "--max-concurrency", "32", "--max-queued", "256", "--output-cap", "6291456",
                "--metrics-interval-ms", "500", "--warm-per-function", "2", "--warm-total", "16",
                "--warm-idle-ms", "30000", "--cpu-slots", "3", "--sandbox", "on",
                "--sandbox-uid-base", "1500001025", "--sandbox-uid-count", "1024", "--sandbox-memory-mb", "1024",
                "--body-idle-ms", "10000", "--max-body-bytes", "8388608", "--expose-stderr", "false",
                "--calls", run.resolve("calls.sock").toString(), "--max-call-log-bytes", "8192",
                "--handler-pool-size", "4", "--handler-idle-ms", "60000", "--handler-max-calls", "10000"));
        assertThat(supervisor.options(1).toArgs()).isEqualTo(expected);
    }
}
