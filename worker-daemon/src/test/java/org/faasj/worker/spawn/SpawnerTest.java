package org.faasj.worker.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.faasj.worker.TestProcesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fork server and its client against real processes. */
class SpawnerTest {

    @TempDir
    Path dir;
    Spawner spawner;
    Path stderr;

    @BeforeEach
    void start() throws IOException {
        spawner = Spawner.start(dir);
        stderr = dir.resolve("stderr");
    }

    @AfterEach
    void stop() {
        spawner.close();
    }

    private SpawnedProcess sh(String script, long dataBytes, int cpuSeconds, boolean fd3) throws IOException {
        SpawnRequest request = new SpawnRequest(List.of("/bin/sh", "-c", script), List.of("PATH=/usr/bin:/bin", "GREETING=hi"),
                dir, dataBytes, cpuSeconds, fd3, SandboxLimits.DEFAULT);
        try (FileOutputStream err = new FileOutputStream(stderr.toFile())) {
            return spawner.spawn(request, err.getFD());
        }
    }

    private static String readAll(SpawnedProcess p) throws IOException {
        return new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void pipesEnvironmentDirectoryAndExitStatus() throws Exception {
        SpawnedProcess p = sh("read x; echo \"$x $GREETING $(pwd)\"; echo oops >&2; exit 3", 0, 0, false);
        try (OutputStream in = p.stdin()) {
            in.write("hello\n".getBytes(StandardCharsets.US_ASCII));
        }

        assertEquals("hello hi " + dir.toRealPath() + "\n", readAll(p));
        assertEquals(3, p.waitFor());
        assertEquals("oops\n", Files.readString(stderr));
        p.closeStreams(false);
    }

    @Test
    void limitsAndOwnProcessGroupAreApplied() throws Exception {
        SpawnedProcess p = sh("ulimit -d; ulimit -c; ulimit -t; ps -o pgid= -p $$", 64L << 20, 7, false);

        String[] lines = readAll(p).trim().split("\\s+");
        assertEquals(List.of("65536", "0", "7", Integer.toString(p.pid())), List.of(lines));
        assertEquals(0, p.waitFor());
        p.closeStreams(false);
    }

    @Test
    void signalsAreReportedAs128PlusTheSignal() throws Exception {
        SpawnedProcess p = sh("kill -TERM $$", 0, 0, false);
        assertEquals(128 + 15, p.waitFor());
        p.closeStreams(false);
    }

    @Test
    void cpuTimeAndPeakMemoryArriveWithTheExitAndCountReapedChildren() throws Exception {
        // the CPU is burnt by a child the shell waits for: wait4's rusage includes it
        SpawnedProcess p = sh("sh -c 'i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done'; exit 4", 0, 0, false);

        assertEquals(4, p.waitFor());
        ProcessUsage usage = p.usage();
        assertTrue(usage.cpuMicros() >= 10_000, usage.toString());
        assertTrue(usage.peakRssKb() > 0, usage.toString());
        p.closeStreams(false);
    }

    @Test
    void aKilledProcessStillReportsItsUsage() throws Exception {
        SpawnedProcess p = sh("exec sleep 30", 0, 0, false);
        spawner.kill(p.pid());

        assertEquals(128 + 9, p.waitFor());
        assertTrue(p.usage().peakRssKb() > 0, p.usage().toString());
        assertTrue(p.usage().cpuMicros() >= 0, p.usage().toString());
        p.closeStreams(false);
    }

    @Test
    void execFailureExits127WithTheReasonOnStderr() throws Exception {
        SpawnRequest request = new SpawnRequest(List.of("/nonexistent/fn"), List.of(), dir, 0, 0, false, SandboxLimits.DEFAULT);
        SpawnedProcess p;
        try (FileOutputStream err = new FileOutputStream(stderr.toFile())) {
            p = spawner.spawn(request, err.getFD());
        }

        assertEquals(127, p.waitFor());
        String message = Files.readString(stderr);
        assertTrue(message.contains("cannot execute /nonexistent/fn"), message);
        p.closeStreams(false);
    }

    @Test
    void killTakesTheWholeProcessGroup() throws Exception {
        SpawnedProcess p = sh("sleep 30 & echo $!; wait", 0, 0, false);
        byte[] line = new byte[32];
        int n = p.stdout().read(line);
        long background = Long.parseLong(new String(line, 0, n, StandardCharsets.US_ASCII).trim());

        spawner.kill(p.pid());

        assertEquals(128 + 9, p.waitFor());
        assertDies(background);
        p.closeStreams(false);
    }

    @Test
    void extraPipeArrivesOnDescriptor3() throws Exception {
        SpawnedProcess p = sh("cat <&3", 0, 0, true);
        try (OutputStream fd3 = p.fd3()) {
            fd3.write("A=1\0B=2".getBytes(StandardCharsets.US_ASCII));
        }
        assertEquals("A=1\0B=2", readAll(p));
        assertEquals(0, p.waitFor());
        p.closeStreams(false);
    }

    @Test
    void noDescriptorLeaksInTheServerOrTheWorker() throws Exception {
        SpawnRequest request = new SpawnRequest(List.of("/bin/true"), List.of(), dir, 0, 0, true, SandboxLimits.DEFAULT);
        spawnAndFinish(request, 50);
        long serverBefore = descriptors(spawner.serverPid());
        long selfBefore = descriptors(ProcessHandle.current().pid());

        spawnAndFinish(request, 2000);

        assertEquals(serverBefore, descriptors(spawner.serverPid()));
        assertTrue(descriptors(ProcessHandle.current().pid()) <= selfBefore + 2);
    }

    @Test
    void aDeadServerFailsItsProcessesAndIsRestarted() throws Exception {
        SpawnedProcess p = sh("sleep 30", 0, 0, false);
        long oldServer = spawner.serverPid();

        ProcessHandle.of(oldServer).orElseThrow().destroyForcibly();

        ExecutionException lost = assertThrows(ExecutionException.class, () -> p.exit().get(5, TimeUnit.SECONDS));
        assertTrue(lost.getCause() instanceof SpawnerUnavailableException, lost.toString());
        p.closeStreams(false);
        assertDies(p.pid()); // PR_SET_PDEATHSIG took the function along
        SpawnedProcess again = sh("echo back", 0, 0, false);
        assertEquals("back\n", readAll(again));
        assertEquals(0, again.waitFor());
        assertFalse(spawner.serverPid() == oldServer);
        again.closeStreams(false);
    }

    private void spawnAndFinish(SpawnRequest request, int times) throws Exception {
        for (int i = 0; i < times; i++) {
            SpawnedProcess p;
            try (FileOutputStream err = new FileOutputStream(stderr.toFile())) {
                p = spawner.spawn(request, err.getFD());
            }
            p.fd3().close();
            assertEquals(0, p.waitFor());
            p.closeStreams(false);
        }
    }

    private static long descriptors(long pid) throws IOException {
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        }
    }

    private static void assertDies(long pid) throws InterruptedException {
        TestProcesses.assertDiesWithin(pid, 2_000, "process " + pid + " still runs");
    }

}
