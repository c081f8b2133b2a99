package org.faasj.controlplane.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.faasj.controlplane.sandbox.BuildSandbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToolRunnerTest {

    @TempDir
    Path dir;

    private final ToolRunner runner = new ToolRunner(Duration.ofSeconds(10), 1024, BuildSandbox.none());

    @Test
    void run_success_returnsMergedOutputAndExitCode() throws Exception {
        ToolRunner.Result result = runner.run(List.of("sh", "-c", "echo out; echo err >&2; exit 0"), dir);
        assertTrue(result.succeeded());
        assertTrue(result.output().contains("out") && result.output().contains("err"), result.output());
    }

    @Test
    void run_argumentsAreNotInterpretedByAShell() throws Exception {
        ToolRunner.Result result = runner.run(List.of("echo", "$(touch pwned); `id`"), dir);
        assertEquals("$(touch pwned); `id`\n", result.output());
        assertFalse(Files.exists(dir.resolve("pwned")));
    }

    @Test
    void run_usesItsWorkingDirectory() throws Exception {
        ToolRunner.Result result = runner.run(List.of("pwd"), dir);
        assertEquals(dir.toRealPath().toString(), result.output().strip());
    }

    @Test
    void run_failure_reportsExitCode() throws Exception {
        ToolRunner.Result result = runner.run(List.of("sh", "-c", "exit 3"), dir);
        assertFalse(result.succeeded());
        assertEquals(3, result.exitCode());
    }

    @Test
    void run_hugeOutput_isCappedAndDoesNotBlock() throws Exception {
        ToolRunner.Result result = runner.run(List.of("sh", "-c", "head -c 5000000 /dev/zero | tr '\\0' x; exit 0"), dir);
        assertTrue(result.succeeded());
        assertTrue(result.output().startsWith("x".repeat(1024)));
        assertTrue(result.output().endsWith("[output truncated]\n"), result.output().substring(1000));
    }

    @Test
    void run_overTime_killsTheWholeTree() throws Exception {
        ToolRunner quick = new ToolRunner(Duration.ofMillis(500), 1024, BuildSandbox.none());
        long started = System.nanoTime();
        // the grandchild sleep would keep the output pipe open if it survived
        ToolRunner.Result result = quick.run(List.of("sh", "-c", "sleep 30 & sleep 30; wait"), dir);
        assertTrue(result.timedOut());
        assertFalse(result.succeeded());
        assertTrue(System.nanoTime() - started < 5_000_000_000L, "returned within 5 s");
    }

    @Test
    void run_missingProgram_throwsToolMissing() {
        assertThrows(ToolRunner.ToolMissingException.class, () -> runner.run(List.of("no-such-compiler-xyz"), dir));
    }

    @Test
    void run_stdinIsEmpty() throws Exception {
        ToolRunner.Result result = runner.run(List.of("cat"), dir);
        assertTrue(result.succeeded());
        assertEquals("", result.output());
    }
}
