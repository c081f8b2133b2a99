package org.faasj.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.faasj.model.FunctionRuntime;
import org.faasj.model.Network;
import org.faasj.model.WorkerOption;
import org.faasj.worker.WorkerHarness.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.json.JsonFactory;

/**
 * The worker with its fork server sandboxed, as the control plane starts it on a host that allows
 * it (root, namespaces). Each test runs a function that tries to step outside and checks it could not.
 */
class SandboxedWorkerTest {

    private static final long UID_BASE = 1_600_000_000L;
    private static final int UID_COUNT = 64;

    @TempDir
    Path dir;
    private WorkerHarness worker;

    @BeforeEach
    void start() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "the per-call uid sandbox needs root");
        // the functions' directory is shown at /fn as it is: like an artifact directory, world-readable
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        worker = new WorkerHarness(dir, new WorkerConfig(WorkerHarness.options(dir).set(WorkerOption.MAX_CONCURRENCY, 8)
                .set(WorkerOption.WARM_TOTAL, 4).set(WorkerOption.CPU_SLOTS, 4).set(WorkerOption.SANDBOX, "on")
                .set(WorkerOption.SANDBOX_UID_BASE, UID_BASE).set(WorkerOption.SANDBOX_UID_COUNT, UID_COUNT)
                .set(WorkerOption.SANDBOX_MEMORY_MB, 2048).build()));
    }

    @AfterEach
    void stop() throws IOException {
        if (worker != null) {
            worker.close();
        }
    }

    @Test
    void aShellFunctionSeesOnlyItsOwnSandbox() throws IOException {
        Path fn = worker.script("look.sh", """
                #!/bin/sh
                secret=no; [ -e "$HOST_DIR" ] && secret=yes
                shadow=no; [ -r /etc/shadow ] && shadow=yes
                fnwrite=no; touch /fn/x 2>/dev/null && fnwrite=yes
                usrwrite=no; touch /usr/x 2>/dev/null && usrwrite=yes
                echo hi > /tmp/note && tmp=$(cat /tmp/note)
                alive=0; for p in $(seq 1 400); do kill -0 $p 2>/dev/null && alive=$((alive+1)); done
                printf '{"uid":%s,"pid":%s,"cwd":"%s","hostDir":"%s","shadow":"%s","fnWrite":"%s","usrWrite":"%s","tmp":"%s","alive":%s,"self":"%s"}' \\
                  "$(id -u)" "$$" "$(pwd)" "$secret" "$shadow" "$fnwrite" "$usrwrite" "$tmp" "$alive" "$(basename $0)"
                """);
        Map<String, String> out = callJson(Frames.native_(fn).env(Map.of("HOST_DIR", dir.toString())));

        long uid = Long.parseLong(out.get("uid"));
        assertTrue(uid >= UID_BASE && uid < UID_BASE + UID_COUNT, "uid " + uid);
        assertEquals(1, Integer.parseInt(out.get("pid")), "the function is its PID namespace's init");
        assertEquals("/tmp", out.get("cwd"));
        assertEquals("no", out.get("hostDir"), "the worker's directory is not visible");
        assertEquals("no", out.get("shadow"));
        assertEquals("no", out.get("fnWrite"), "its own directory is read-only");
        assertEquals("no", out.get("usrWrite"));
        assertEquals("hi", out.get("tmp"));
        assertTrue(Integer.parseInt(out.get("alive")) <= 3, "signals reach only its own processes: " + out);
        assertEquals("look.sh", out.get("self"), "runs from /fn");
    }

    @Test
    void tmpIsCappedAndPrivateToEachCall() throws IOException {
        Path fn = worker.script("fill.sh", """
                #!/bin/sh
                before=$(ls /tmp | wc -l)
                dd if=/dev/zero of=/tmp/fill bs=1M count=16 2>/dev/null
                printf '{"before":%s,"kb":%s}' "$before" "$(du -k /tmp/fill | cut -f1)"
                """);
        for (int call = 0; call < 2; call++) {
            Map<String, String> out = callJson(Frames.native_(fn).sandbox(4, 64, Network.OUTBOUND));
            assertEquals(0, Integer.parseInt(out.get("before")), "a fresh /tmp for every call");
            assertTrue(Integer.parseInt(out.get("kb")) <= 4096, "stopped at the 4 MB cap: " + out);
        }
        // the same function, so most likely the same slot, now with a larger /tmp
        Map<String, String> larger = callJson(Frames.native_(fn).sandbox(32, 64, Network.OUTBOUND));
        assertEquals(0, Integer.parseInt(larger.get("before")));
        assertEquals(16384, Integer.parseInt(larger.get("kb")), "all 16 MB fit under a 32 MB cap: " + larger);
    }

    @Test
    void aForkBombHitsTheProcessCapAndEndsWithTheCall() throws IOException, InterruptedException {
        Path fn = worker.script("bomb.py", """
                import json, os, time
                forks = refused = 0
                for _ in range(40):
                    try:
                        pid = os.fork()
                    except BlockingIOError:
                        refused += 1
                        continue
                    if pid == 0:
                        time.sleep(30)
                        os._exit(0)
                    forks += 1
                print(json.dumps({"forks": forks, "refused": refused}))
                """);
        Map<String, String> out = callJson(Frames.of(FunctionRuntime.PYTHON, fn).sandbox(64, 8, Network.OUTBOUND));

        assertTrue(Integer.parseInt(out.get("forks")) <= 7, "the function and at most 7 children: " + out);
        assertTrue(Integer.parseInt(out.get("refused")) >= 33, "the rest failed with EAGAIN: " + out);
        // python (init of its namespace) exited: the children it left sleeping were killed with it
        assertTrue(waitUntilNoSandboxProcess(), "no sandboxed process outlives its call");
    }

    @Test
    void aDaemonizedGrandchildHoldingStdoutDoesNotHoldTheCall() throws IOException, InterruptedException {
        Path fn = worker.script("daemon.sh", """
                #!/bin/sh
                setsid sleep 60 &
                echo '{"left":"a daemon"}'
                """);
        long started = System.nanoTime();
        Map<String, String> out = callJson(Frames.native_(fn).timeoutMillis(20_000));

        assertEquals("a daemon", out.get("left"));
        assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) < 10, "answered at the function's exit");
        assertTrue(waitUntilNoSandboxProcess(), "the daemon died with its namespace");
    }

    @Test
    void networkNoneHasNoNetworkWhileOutboundReachesTheHost() throws IOException {
        Path fn = worker.script("connect.py", """
                import json, os, socket
                try:
                    socket.create_connection(("127.0.0.1", int(os.environ["PORT"])), timeout=2).close()
                    print(json.dumps({"connected": True}))
                except OSError as e:
                    print(json.dumps({"connected": False, "error": e.strerror}))
                """);
        try (ServerSocketChannel listener = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Map<String, String> env = Map.of("PORT", Integer.toString(listener.socket().getLocalPort()));
            Map<String, String> outbound = callJson(Frames.of(FunctionRuntime.PYTHON, fn).env(env));
            Map<String, String> none = callJson(Frames.of(FunctionRuntime.PYTHON, fn).env(env).sandbox(64, 64, Network.NONE));

            assertTrue(Boolean.parseBoolean(outbound.get("connected")), outbound.toString());
            assertFalse(Boolean.parseBoolean(none.get("connected")), none.toString());
        }
    }

    @Test
    void systemVObjectsAndKeyRingsCarryNothingFromOneCallToTheNext() throws Exception {
        Path fn = worker.compile("leave.c", """
                #define _GNU_SOURCE
                #include <errno.h>
                #include <stdio.h>
                #include <string.h>
                #include <sys/ipc.h>
                #include <sys/shm.h>
                #include <sys/syscall.h>
                #include <unistd.h>
                #include <linux/keyctl.h>
                int main(void) {
                    struct shm_info info;
                    int seen = shmctl(0, SHM_INFO, (struct shmid_ds *) &info) < 0 ? -1 : info.used_ids;
                    int made = shmget(0x5eed, 4096, IPC_CREAT | 0666) >= 0;
                    long found = syscall(SYS_keyctl, KEYCTL_SEARCH, KEY_SPEC_USER_KEYRING, "user", "faasj-left", 0);
                    long added = syscall(SYS_add_key, "user", "faasj-left", "x", 1, KEY_SPEC_USER_KEYRING);
                    printf("{\\\"shmSeen\\\":%d,\\\"shmMade\\\":%d,\\\"keyFound\\\":%s,\\\"addKey\\\":\\\"%s\\\"}",
                           seen, made, found >= 0 ? "true" : "false", added < 0 ? strerror(errno) : "added");
                    return 0;
                }
                """);
        // the same function twice: most likely the same slot, so the same uid and its key ring
        for (int call = 0; call < 2; call++) {
            Map<String, String> out = callJson(Frames.native_(fn));
            assertEquals("0", out.get("shmSeen"), "neither the host's segments nor the last call's: " + out);
            assertEquals("1", out.get("shmMade"), "its own IPC namespace works: " + out);
            assertEquals("false", out.get("keyFound"), out.toString());
            assertEquals("Operation not permitted", out.get("addKey"), "key rings are not namespaced: refused");
        }
        assertTrue(hostSegmentsOfSandboxUids().isEmpty(), "left on the host: " + hostSegmentsOfSandboxUids());
    }

    @Test
    void callsGoOnWhenTheSlotsLaunchersAreKilled() throws Exception {
        Path fn = worker.script("hello.sh", """
                #!/bin/sh
                printf '{"pid":%s}' "$$"
                """);
        callJson(Frames.native_(fn));
        List<ProcessHandle> launchers = launchers();
        // a launcher per slot exists only where calls join a cpu group of their slot (cgroup v1)
        assumeTrue(!launchers.isEmpty(), "no launchers on this host");
        launchers.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle launcher : launchers) {
            launcher.onExit().get(5, TimeUnit.SECONDS);
        }

        for (int call = 0; call < 3; call++) {
            assertEquals("1", callJson(Frames.native_(fn)).get("pid"), "still init of its own PID namespace");
        }
        List<ProcessHandle> now = launchers();
        assertFalse(now.isEmpty(), "the slot got a new launcher");
        assertTrue(now.stream().noneMatch(launchers::contains), "old " + launchers + ", now " + now);
    }

    /** The fork server's slot launchers (they name themselves). */
    private static List<ProcessHandle> launchers() {
        return ProcessHandle.current().descendants().filter(p -> "faas-launcher".equals(commandName(p))).toList();
    }

    private static String commandName(ProcessHandle p) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(p.pid()), "comm")).strip();
        } catch (IOException gone) {
            return "";
        }
    }

    /** Rows of /proc/sysvipc/shm (the host's namespace) whose owner is a sandbox uid. */
    private static List<String> hostSegmentsOfSandboxUids() throws IOException {
        List<String> rows = Files.readAllLines(Path.of("/proc/sysvipc/shm"));
        return rows.stream().skip(1).filter(row -> {
            long uid = Long.parseLong(row.trim().split("\\s+")[7]);
            return uid >= UID_BASE && uid < UID_BASE + UID_COUNT;
        }).toList();
    }

    @Test
    void phpRunsFromTheWarmPoolInsideTheSandbox() throws IOException {
        Path fn = worker.script("who.php", """
                <?php
                echo json_encode(['uid' => posix_getuid() === 0 ? 0 : 1, 'pid' => getmypid(), 'script' => $_SERVER['SCRIPT_FILENAME'],
                    'method' => getenv('REQUEST_METHOD'), 'token' => @file_get_contents(getenv('HOST_FILE')) !== false]);
                """);
        Path hostFile = Files.writeString(dir.resolve("admin-token"), "secret");
        for (int call = 0; call < 3; call++) {
            Map<String, String> out = callJson(Frames.of(FunctionRuntime.PHP, fn).env(Map.of("HOST_FILE", hostFile.toString())));
            assertEquals(1, Integer.parseInt(out.get("uid")), "not root");
            assertEquals(1, Integer.parseInt(out.get("pid")));
            assertEquals("/fn/who.php", out.get("script"));
            assertEquals("POST", out.get("method"));
            assertFalse(Boolean.parseBoolean(out.get("token")), "host files are out of reach");
        }
    }

    private Map<String, String> callJson(Frames frame) throws IOException {
        Exchange ex = worker.call(frame.build());
        assertEquals(200, ex.response().status(), ex.response().text());
        return flatJson(ex.response().text());
    }

    /** A flat JSON object's values as text (numbers and booleans as written). */
    private static Map<String, String> flatJson(String json) {
        Map<String, String> values = new java.util.LinkedHashMap<>();
        try (JsonParser p = new JsonFactory().createParser(json)) {
            assertEquals(JsonToken.START_OBJECT, p.nextToken(), json);
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                p.nextToken();
                values.put(name, p.getString());
            }
        }
        return values;
    }

    /** True once no process of the sandbox's uid range is alive (the kernel takes a moment to reap a namespace). */
    private static boolean waitUntilNoSandboxProcess() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (sandboxProcesses().isEmpty()) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private static List<Path> sandboxProcesses() throws IOException {
        try (var procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(SandboxedWorkerTest::ownedBySandbox)
                    .toList();
        }
    }

    private static boolean ownedBySandbox(Path proc) {
        try {
            long uid = ((Number) Files.getAttribute(proc, "unix:uid")).longValue();
            return uid >= UID_BASE && uid < UID_BASE + UID_COUNT;
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }
}
