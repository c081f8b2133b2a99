package org.faasj.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Looks at processes through /proc, for tests that must see a function's process tree die. */
public final class TestProcesses {

    private TestProcesses() {
    }

    /** Exists and is not a zombie (a reparented child may wait a moment to be reaped). */
    public static boolean runs(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException gone) {
            return false;
        }
    }

    /** Waits up to {@code millis} for the process to be gone, then fails with {@code what}. */
    public static void assertDiesWithin(long pid, long millis, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (runs(pid)) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(what);
            }
            Thread.sleep(20);
        }
    }
}
