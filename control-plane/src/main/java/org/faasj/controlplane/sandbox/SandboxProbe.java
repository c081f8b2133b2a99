package org.faasj.controlplane.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.faasj.controlplane.system.FaasProperties;
import org.faasj.controlplane.system.RunDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Runs {@code faas-spawn --probe} once at start: it prepares a sandbox the way a fork server does
 * and starts {@code /bin/true} in it, then prints what worked. The result decides what workers and
 * builds do, and is logged once in words an operator can act on.
 */
@Configuration(proxyBeanMethods = false)
class SandboxProbe {

    private static final Logger log = LoggerFactory.getLogger(SandboxProbe.class);
    private static final long PROBE_TIMEOUT_SECONDS = 10;

    @Bean
    SandboxStatus sandboxStatus(FaasProperties properties, RunDirectory runDirectory) {
        FaasProperties.Sandbox settings = properties.sandbox();
        SandboxStatus status = probe(settings, runDirectory.path());
        report(status, settings);
        return status;
    }

    @Bean
    BuildSandbox buildSandbox(SandboxStatus status, FaasProperties properties, RunDirectory runDirectory)
            throws IOException {
        Path binary = status.mode() == SandboxStatus.Mode.ON ? ForkServerBinary.extractTo(runDirectory.path()) : null;
        return new BuildSandbox(status, binary, runDirectory.path().resolve("build-root"), properties.sandbox());
    }

    static SandboxStatus probe(FaasProperties.Sandbox settings, Path runDir) {
        if (!settings.enabled()) {
            return SandboxStatus.unavailable("turned off by faas.sandbox.enabled=false", false, settings.required());
        }
        try {
            Path binary = ForkServerBinary.extractTo(runDir);
            if (binary == null) {
                return SandboxStatus.unavailable("faas-spawn is not packaged (run from the built jar)", true,
                        settings.required());
            }
            Process process = new ProcessBuilder(binary.toString(), "--probe", runDir.resolve("probe-root").toString())
                    .redirectErrorStream(true)
                    .start();
            if (!process.waitFor(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return SandboxStatus.unavailable("the sandbox probe did not finish", true, settings.required());
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            String line = output.lines().filter(l -> l.startsWith("level=")).reduce((a, b) -> b).orElse(null);
            if (line == null) {
                return SandboxStatus.unavailable("the sandbox probe failed: " + output, true, settings.required());
            }
            return SandboxStatus.parse(line, true, settings.required());
        } catch (IOException e) {
            return SandboxStatus.unavailable("the sandbox probe could not run: " + e.getMessage(), true,
                    settings.required());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SandboxStatus.unavailable("interrupted during the sandbox probe", true, settings.required());
        }
    }

    private static void report(SandboxStatus status, FaasProperties.Sandbox settings) {
        switch (status.mode()) {
            case ON -> log.info("Sandbox: level {}, memory by {}, cpu group {}, uids {}, network {}{}", status.level(),
                    status.memory(), status.cpu(), status.uid(), status.network(), status.missing().isEmpty() ? "" : "; weaker because: " + status.missing());
            case OFF -> log.warn("Sandbox OFF: functions and builds run with the platform's own rights ({})",
                    settings.enabled() ? "this host cannot isolate them: " + status.missing()
                            + "; faas.sandbox.required=false lets them run anyway" : "faas.sandbox.enabled=false");
            case REFUSED -> log.error("Sandbox unavailable: {}. Functions that run as processes (PHP, Python, C, C++) "
                    + "and builds are refused with 503; WASM functions still run. Set faas.sandbox.required=false to "
                    + "run them without isolation.", status.missing());
        }
    }
}
