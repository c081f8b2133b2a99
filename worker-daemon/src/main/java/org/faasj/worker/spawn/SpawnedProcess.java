package org.faasj.worker.spawn;

import java.io.Closeable;
import java.io.FileInputStream;
import java.io.FilterInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A process the fork server started: its pid (also its process group), the worker's ends of its
 * pipes, and its exit. Each pipe end is closed exactly once, by {@link #closeStreams()} or by
 * whoever closed the stream first (closing a closed FileInputStream is a no-op).
 */
public final class SpawnedProcess {

    private final int pid;
    private final FileOutputStream stdin;
    private final InputStream stdout;
    private final FileOutputStream fd3;
    private final CompletableFuture<Exit> waitStatus;

    /** How it ended (the raw wait status) and what it cost. */
    record Exit(int waitStatus, ProcessUsage usage) {
    }

    SpawnedProcess(int pid, FileOutputStream stdin, FileInputStream stdout, FileOutputStream fd3,
                   CompletableFuture<Exit> waitStatus) {
        this.pid = pid;
        this.stdin = stdin;
        // JDK 17's FileInputStream.readAllBytes seeks, which fails on a pipe ("Illegal seek")
        this.stdout = new FilterInputStream(stdout) {
        };
        this.fd3 = fd3;
        this.waitStatus = waitStatus;
    }

    public int pid() {
        return pid;
    }

    public OutputStream stdin() {
        return stdin;
    }

    public InputStream stdout() {
        return stdout;
    }

    /** The write end of the extra pipe on the process's descriptor 3, or null if it has none. */
    public OutputStream fd3() {
        return fd3;
    }

    public boolean isAlive() {
        return !waitStatus.isDone();
    }

    /** Completes with the exit code when the server has reaped it, exceptionally if the server died. */
    public CompletableFuture<Integer> exit() {
        return waitStatus.thenApply(e -> exitCode(e.waitStatus()));
    }

    /** Waits for the exit; signals are reported as 128 + signal number, as shells and Process do. */
    public int waitFor() throws IOException, InterruptedException {
        try {
            return exitCode(waitStatus.get().waitStatus());
        } catch (ExecutionException e) {
            throw new IOException("fork server lost: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * CPU time and peak memory of the finished process; {@link ProcessUsage#UNKNOWN} while it runs
     * or when its server died before reporting it.
     */
    public ProcessUsage usage() {
        Exit exit = waitStatus.isDone() && !waitStatus.isCompletedExceptionally() ? waitStatus.join() : null;
        return exit == null ? ProcessUsage.UNKNOWN : exit.usage();
    }

    static int exitCode(int status) {
        int signal = status & 0x7f;
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
    }

    /** Closes all pipe ends; {@code keepStdin} leaves stdin to a pump that still writes and closes it. */
    public void closeStreams(boolean keepStdin) {
        closeQuietly(stdout);
        closeQuietly(fd3);
        if (!keepStdin) {
            closeQuietly(stdin);
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (IOException ignored) {
            // a pipe end of a finished process: nothing to recover
        }
    }
}
