package org.faasj.worker.exec.process;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.faasj.worker.exec.CallTrace;
import org.faasj.worker.exec.Outcome;
import org.faasj.worker.spawn.SpawnedProcess;

/**
 * A started function process with the file its stderr goes to. Cold processes write to their pool
 * thread's file (reused); warm ones, started before anyone knew which thread would run them, each
 * get their own file, deleted when they are done.
 */
final class FunctionProcess {


    private final SpawnedProcess process;
    private final Path stderr;
    private final boolean ownsStderr;
    /** Its place at the {@link CpuGate}; null until a request admits it (warm processes wait without one). */
    private volatile CpuGate.Pass pass;

    FunctionProcess(SpawnedProcess process, Path stderr, boolean ownsStderr) {
        this.process = process;
        this.stderr = stderr;
        this.ownsStderr = ownsStderr;
    }

    SpawnedProcess process() {
        return process;
    }

    /** Gives this process its place at the gate, kept until {@link #release}. */
    void admit(CpuGate.Pass admitted) {
        admitted.attach(process.pid());
        pass = admitted;
    }

    String stderrTail() {
        try (RandomAccessFile file = new RandomAccessFile(stderr.toFile(), "r")) {
            long start = Math.max(0, file.length() - Outcome.STDERR_TAIL_BYTES);
            byte[] tail = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(tail);
            return new String(tail, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(stderr unavailable: " + e.getMessage() + ")";
        }
    }

    /**
     * The first {@code maxBytes} of its stderr as {@link CallTrace#headText}; "" without opening
     * the file when it is empty, as it is for most calls.
     */
    String stderrHead(int maxBytes) {
        if (maxBytes <= 0) {
            return "";
        }
        File file = stderr.toFile();
        long size = file.length();
        if (size == 0) {
            return "";
        }
        try (RandomAccessFile in = new RandomAccessFile(file, "r")) {
            byte[] head = new byte[(int) Math.min(size, maxBytes)];
            int kept = in.read(head);
            return CallTrace.headText(head, Math.max(kept, 0), Math.max(size, in.length()));
        } catch (IOException e) {
            return "(stderr unavailable: " + e.getMessage() + ")";
        }
    }

    /**
     * Gives back its pass, closes the pipes (stdin stays with a pump that still owns it) and drops
     * a private stderr file.
     */
    void release(boolean keepStdin) {
        CpuGate.Pass current = pass;
        if (current != null) {
            current.release();
        }
        process.closeStreams(keepStdin);
        if (ownsStderr) {
            try {
                Files.deleteIfExists(stderr);
            } catch (IOException ignored) {
                // a leftover file in the scratch directory; the next worker start clears it
            }
        }
    }
}
