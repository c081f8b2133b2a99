package org.faasj.worker.spawn;

/** Lets tests in other packages wait for a process to die the same way. */
public final class SpawnerTestAccess {

    private SpawnerTestAccess() {
    }

    public static void assertDies(long pid) throws InterruptedException {
        SpawnerTest.assertDies(pid);
    }
}
