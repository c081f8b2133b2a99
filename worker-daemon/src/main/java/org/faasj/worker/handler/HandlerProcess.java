package org.faasj.worker.handler;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongPredicate;
import java.util.stream.Collectors;

import org.faasj.worker.exec.CallTrace;
import org.faasj.worker.exec.Outcome;
import org.faasj.worker.spawn.SpawnedProcess;
import org.faasj.worker.spawn.Spawner;

/**
 * One live handler process: its pipes (requests on stdin, answers on what the fork server handed
 * back in the place of stdout, fed by the process's descriptor 3) and its stderr file, which every
 * call of the process appends to (the worker opened it with O_APPEND, so truncating it between
 * calls is safe).
 */
final class HandlerProcess implements HandlerPool.Member {

    static final int STDERR_TAIL_BYTES = Outcome.STDERR_TAIL_BYTES;
    /** Truncated between calls once past this: the log of each call is already in its record. */
    static final long STDERR_KEEP_BYTES = 256 * 1024;
    private static final long PAGE_KB = 4;

    private final SpawnedProcess process;
    private final Path stderr;
    private final Spawner spawner;
    private final DataInputStream answers;

    HandlerProcess(SpawnedProcess process, Path stderr, Spawner spawner) {
        this.process = process;
        this.stderr = stderr;
        this.spawner = spawner;
        // buffered: readInt would be four read(2) calls; nothing but this call's answer is ever in the pipe
        this.answers = new DataInputStream(new BufferedInputStream(process.stdout(), 8192));
    }

    int pid() {
        return process.pid();
    }

    SpawnedProcess process() {
        return process;
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Sends one request and reads its answer's JSON; null when the process ended first (its pipe
     * closed: it exited, crashed or was killed). {@code maxAnswerBytes} bounds what is read, and
     * {@code room} must grant the answer's length (the worker's output budget) before it is read.
     */
    byte[] exchange(byte[] request, int maxAnswerBytes, LongPredicate room) throws AnswerTooLarge, NoRoom {
        try {
            process.stdin().write(request);
            process.stdin().flush();
        } catch (IOException ended) {
            return null;
        }
        try {
            int length = answers.readInt();
            if (length < 0 || length > maxAnswerBytes) {
                throw new AnswerTooLarge();
            }
            if (!room.test(length)) {
                throw new NoRoom();
            }
            byte[] json = answers.readNBytes(length);
            return json.length == length ? json : null;
        } catch (EOFException ended) {
            return null;
        } catch (IOException ended) {
            return null;
        }
    }

    /** The answer was larger than the worker accepts. */
    static final class AnswerTooLarge extends Exception {
        AnswerTooLarge() {
            super(null, null, false, false);
        }
    }

    /** The worker's output budget had no room for the answer in time. */
    static final class NoRoom extends Exception {
        NoRoom() {
            super(null, null, false, false);
        }
    }

    /** Resident memory now from /proc/pid/statm, -1 when it cannot be read (it ended). */
    long rssKb() {
        try {
            String statm = Files.readString(Path.of("/proc", Integer.toString(process.pid()), "statm"));
            String[] fields = statm.trim().split(" ");
            return Long.parseLong(fields[1]) * PAGE_KB;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    long stderrSize() {
        return stderr.toFile().length();
    }

    /** The head of what the process wrote to stderr since {@code from}, as the call's record keeps it. */
    String stderrHeadSince(long from, int maxBytes) {
        long size = stderrSize();
        if (maxBytes <= 0 || size <= from) {
            return "";
        }
        byte[] head = read(from, (int) Math.min(size - from, maxBytes));
        return CallTrace.headText(head, head.length, size - from);
    }

    /** The last 2 KiB written since {@code from}: what a failed call's 500 may show. */
    String stderrTailSince(long from) {
        long size = stderrSize();
        if (size <= from) {
            return "";
        }
        long start = Math.max(from, size - STDERR_TAIL_BYTES);
        return new String(read(start, (int) (size - start)), StandardCharsets.UTF_8);
    }

    private byte[] read(long from, int length) {
        try (RandomAccessFile file = new RandomAccessFile(stderr.toFile(), "r")) {
            file.seek(from);
            byte[] bytes = new byte[length];
            int n = file.read(bytes);
            return n == length ? bytes : Arrays.copyOf(bytes, Math.max(n, 0));
        } catch (IOException e) {
            return ("(stderr unavailable: " + e.getMessage() + ")").getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Between calls only: the process appends, so it carries on at the new end. */
    void trimStderr() {
        if (stderrSize() <= STDERR_KEEP_BYTES) {
            return;
        }
        try (FileChannel channel = FileChannel.open(stderr, StandardOpenOption.WRITE)) {
            channel.truncate(0);
        } catch (IOException ignored) {
            // it only grows further; the next call tries again
        }
    }

    /** Kills its process group and any descendant that left it, then drops its pipes and file. */
    void kill() {
        if (process.isAlive()) {
            List<ProcessHandle> descendants = ProcessHandle.of(process.pid())
                    .map(p -> p.descendants().collect(Collectors.toList())).orElse(List.of());
            spawner.kill(process.pid());
            descendants.forEach(ProcessHandle::destroyForcibly);
        }
    }

    @Override
    public void destroy() {
        kill();
        process.closeStreams(false);
        try {
            Files.deleteIfExists(stderr);
        } catch (IOException ignored) {
            // a leftover file in the scratch directory; the next worker start clears it
        }
    }
}
