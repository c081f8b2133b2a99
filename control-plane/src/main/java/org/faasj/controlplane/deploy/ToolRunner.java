package org.faasj.controlplane.deploy;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.faasj.controlplane.sandbox.BuildSandbox;

/**
 * Runs one compiler or checker: an argument list (never a shell string), its own working
 * directory, no stdin, stdout and stderr merged and capped, and a time limit after which the whole
 * process tree is killed (gcc's cc1, as and ld run as children). With the sandbox active the tool
 * sees only the toolchain and its build directory (see {@link BuildSandbox}), so a source that
 * includes a host file cannot print it in the compiler's output.
 */
final class ToolRunner {

    /** What a finished (or killed) tool left behind. */
    record Result(int exitCode, String output, boolean timedOut) {
        boolean succeeded() {
            return !timedOut && exitCode == 0;
        }
    }

    /** The tool cannot run isolated here, and the platform runs nothing unisolated. */
    static final class SandboxRefusedException extends IOException {
        SandboxRefusedException(String detail) {
            super(detail);
        }
    }

    /** The program is not on the PATH. */
    static final class ToolMissingException extends Exception {
        ToolMissingException(String program) {
            super(program + " not found on PATH");
        }
    }

    private static final String TRUNCATED = "\n[output truncated]\n";

    /** The sandbox shows the host's /usr, /bin, /sbin and /lib* only: a tool elsewhere cannot run in it. */
    private static final List<String> SANDBOX_VISIBLE = List.of("/usr/", "/bin/", "/sbin/", "/lib");

    private final Duration timeout;
    private final int outputCap;
    private final BuildSandbox sandbox;

    ToolRunner(Duration timeout, int outputCap, BuildSandbox sandbox) {
        this.timeout = timeout;
        this.outputCap = outputCap;
        this.sandbox = sandbox;
    }

    /**
     * Asks an installed tool about itself ({@code clang -print-libgcc-file-name}, {@code rustc --print
     * sysroot}): no uploaded input is involved and the answer names host paths, so it runs unsandboxed.
     */
    Result query(List<String> command) throws ToolMissingException, IOException, InterruptedException {
        Path executable = findOnPath(command.get(0));
        if (executable == null) {
            throw new ToolMissingException(command.get(0));
        }
        return start(command, Path.of("/"));
    }

    /** Runs a tool on uploaded input in {@code workDir}: sandboxed when the sandbox is active. */
    Result run(List<String> command, Path workDir) throws ToolMissingException, IOException, InterruptedException {
        String program = command.get(0);
        Path executable = findOnPath(program);
        if (executable == null) {
            throw new ToolMissingException(program);
        }
        if (!sandbox.allowsBuilds()) {
            throw new SandboxRefusedException(sandbox.refusal());
        }
        if (sandbox.active() && SANDBOX_VISIBLE.stream().noneMatch(executable.toString()::startsWith)) {
            throw new SandboxRefusedException(program + " is installed at " + executable + ", outside what the build "
                    + "sandbox shows (" + String.join(", ", SANDBOX_VISIBLE) + "); install it under /usr");
        }
        List<String> args = command.subList(1, command.size());
        return start(sandbox.command(executable, args, workDir, timeout.toSeconds() + 1), workDir);
    }

    private Result start(List<String> command, Path workDir) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("LC_ALL", "C"); // plain ASCII quotes in gcc's messages
        Process process = builder.start();
        CappedReader reader = new CappedReader(process.getInputStream(), outputCap);
        Thread readerThread = new Thread(reader, "tool-output");
        readerThread.setDaemon(true);
        readerThread.start();
        boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!finished) {
            killTree(process);
        }
        // a grandchild that outlived the kill could hold the pipe open; do not wait for it forever
        readerThread.join(2_000);
        return new Result(finished ? process.exitValue() : -1, reader.text(), !finished);
    }

    /** Children first, so none is re-parented and keeps running after its parent is gone. */
    private static void killTree(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
    }

    /** The program's absolute path if it is an executable on PATH (or an absolute path), else null. */
    static Path findOnPath(String program) {
        if (program.contains("/")) {
            Path path = Path.of(program);
            return Files.isExecutable(path) ? path : null;
        }
        String pathVariable = System.getenv("PATH");
        if (pathVariable == null) {
            return null;
        }
        for (String dir : pathVariable.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Keeps the first {@code cap} bytes and drains the rest, so a chatty tool never blocks on a full pipe. */
    private static final class CappedReader implements Runnable {
        private final InputStream in;
        private final int cap;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private volatile boolean truncated;

        CappedReader(InputStream in, int cap) {
            this.in = in;
            this.cap = cap;
        }

        @Override
        public void run() {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    int room = cap - kept.size();
                    if (room > 0) {
                        synchronized (kept) {
                            kept.write(buf, 0, Math.min(room, n));
                        }
                    }
                    if (n > room) {
                        truncated = true;
                    }
                }
            } catch (IOException e) {
                // the process was killed; keep what was read
            }
        }

        String text() {
            String text;
            synchronized (kept) {
                text = kept.toString(StandardCharsets.UTF_8);
            }
            return truncated ? text + TRUNCATED : text;
        }
    }
}
