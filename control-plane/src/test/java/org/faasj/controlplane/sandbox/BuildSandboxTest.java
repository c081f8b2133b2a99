package org.faasj.controlplane.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.faasj.controlplane.system.FaasProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class BuildSandboxTest {

    private static final SandboxStatus ON = SandboxStatus.parse("level=full memory=cgroup-v1 uid=per-call network=isolatable missing=", true, true);
    private static final SandboxStatus REFUSED = SandboxStatus.unavailable("no namespaces", true, true);

    @Test
    void anActiveSandboxWrapsTheToolInFaasSpawnRun() {
        BuildSandbox sandbox = new BuildSandbox(ON, Path.of("/run/faas-spawn"), Path.of("/run/build-root"), settings());
        List<String> command = sandbox.command(Path.of("/usr/bin/gcc"), List.of("-O2", "-o", "module.bin", "source.c"),
                Path.of("/data/tmp/build-1"), 61);
        assertEquals(List.of("/run/faas-spawn", "--run", "/run/build-root", "1500000000", "256", "64", "2048", "61",
                "/data/tmp/build-1", "--", "/usr/bin/gcc", "-O2", "-o", "module.bin", "source.c"), command);
        assertTrue(sandbox.allowsBuilds());
    }

    @Test
    void refusedBuildsSayWhyAndHowToRunThemAnyway() {
        BuildSandbox sandbox = new BuildSandbox(REFUSED, null, null, settings());
        assertFalse(sandbox.allowsBuilds());
        assertTrue(sandbox.refusal().contains("no namespaces"), sandbox.refusal());
        assertTrue(sandbox.refusal().contains("faas.sandbox.required=false"), sandbox.refusal());
    }

    @Test
    void withoutTheSandboxTheToolRunsAsItIs() {
        List<String> command = BuildSandbox.none().command(Path.of("/usr/bin/php"), List.of("-l", "x.php"), Path.of("/b"), 5);
        assertEquals(List.of("/usr/bin/php", "-l", "x.php"), command);
    }

    @Test
    void workersGetDisjointUidRangesAboveTheBuildUid() {
        FaasProperties.Sandbox s = settings();
        assertEquals(1_500_000_001L, s.workerUidBase(0));
        assertEquals(1_500_000_001L + 1024, s.workerUidBase(1));
        assertEquals(3 * 1024, s.workerMemoryMb(24L << 30, 4));
        assertEquals(64, s.workerMemoryMb(0, 4), "never below 64 MB");
    }

    private static FaasProperties.Sandbox settings() {
        return new Binder(new MapConfigurationPropertySource(Map.of("faas.data-dir", "/tmp/x")))
                .bind("faas", FaasProperties.class).get().sandbox();
    }
}
