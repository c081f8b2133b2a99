package org.faasj.controlplane.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.faasj.controlplane.system.FaasProperties;

/**
 * Wraps a build tool's command so that it runs in the sandbox ({@code faas-spawn --run}): it sees
 * the toolchain read-only, its build directory writable at {@code /build} (its working directory),
 * a private /tmp, no network and none of the host's files beyond those, under a uid of its own,
 * with memory, process and CPU caps and a clean environment.
 */
public final class BuildSandbox {

    /** Where a build's directory appears inside the sandbox. */
    public static final String BUILD_DIR = "/build";

    private final SandboxStatus status;
    private final Path binary;
    private final Path rootDir;
    private final FaasProperties.Sandbox settings;

    BuildSandbox(SandboxStatus status, Path binary, Path rootDir, FaasProperties.Sandbox settings) {
        this.status = status;
        this.binary = binary;
        this.rootDir = rootDir;
        this.settings = settings;
    }

    /** Builds run as they are, unsandboxed (unit tests of the build pipeline). */
    public static BuildSandbox none() {
        return new BuildSandbox(SandboxStatus.unavailable("not used", false, false), null, null, null);
    }

    /** False when the host cannot isolate builds and the operator requires it: builds are refused. */
    public boolean allowsBuilds() {
        return status.serving();
    }

    public boolean active() {
        return binary != null && status.mode() == SandboxStatus.Mode.ON;
    }

    /** Why builds are refused, for the 503. */
    public String refusal() {
        return "builds are not run: this host cannot isolate them (" + String.join("; ", status.missing())
                + "); set faas.sandbox.required=false to run them without isolation";
    }

    /**
     * The command that runs {@code program} (an absolute host path under /usr or /bin) with
     * {@code args} in {@code workDir}, sandboxed when active; unchanged otherwise.
     */
    public List<String> command(Path program, List<String> args, Path workDir, long cpuSeconds) {
        List<String> command = new ArrayList<>();
        if (active()) {
            command.addAll(List.of(binary.toString(), "--run", rootDir.toString(),
                    Long.toString(settings.uidBase()),
                    Long.toString(Math.max(1, settings.buildTmp().toMegabytes())),
                    Integer.toString(settings.buildProcesses()),
                    Long.toString(Math.max(1, settings.buildMemory().toMegabytes())),
                    Long.toString(Math.max(1, cpuSeconds)),
                    workDir.toString(), "--"));
        }
        command.add(program.toString());
        command.addAll(args);
        return command;
    }
}
