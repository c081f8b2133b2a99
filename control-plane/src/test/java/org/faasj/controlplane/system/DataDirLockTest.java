package org.faasj.controlplane.system;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data dir lock against another process holding it (python3's fcntl lock, the same kind Java takes). */
class DataDirLockTest {

    @TempDir
    Path dataDir;

    @AfterEach
    void releaseLock() throws Exception {
        DataDirLock.release();
    }

    @Test
    void aFreeDir_isLockedAndNamesThisProcess() throws Exception {
        DataDirLock.acquire(dataDir);
        assertEquals(Long.toString(ProcessHandle.current().pid()),
                Files.readString(dataDir.resolve(DataDirLock.FILE_NAME)).strip());
        assertDoesNotThrow(() -> DataDirLock.acquire(dataDir), "a second acquire in the holder is a no-op");
    }

    @Test
    void aDirLockedByAnotherProcess_isRefusedWithItsPid_andFreeOnceItExits() throws Exception {
        Path file = dataDir.resolve(DataDirLock.FILE_NAME);
        Process holder = new ProcessBuilder("python3", "-c", String.join("\n",
                "import fcntl, os, sys",
                "f = open(sys.argv[1], 'w')",
                "fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)",
                "f.write(str(os.getpid()) + '\\n'); f.flush()",
                "print('locked', flush=True)",
                "sys.stdin.read()"), file.toString()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", out.readLine());

            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> DataDirLock.acquire(dataDir));
            assertTrue(refused.getMessage().contains("in use by another control plane (pid " + holder.pid() + ")"),
                    refused.getMessage());
        } finally {
            holder.getOutputStream().close();
            assertTrue(holder.waitFor(10, TimeUnit.SECONDS));
        }
        assertDoesNotThrow(() -> DataDirLock.acquire(dataDir), "the lock goes with its holder, the stale file stays");
    }
}
