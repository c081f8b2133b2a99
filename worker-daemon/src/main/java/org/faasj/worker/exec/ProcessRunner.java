package org.faasj.worker.exec;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.faasj.model.HandoffFrame;

/**
 * Runs a function as a child process per request (PHP, Python, native binaries), started through
 * faas-limit so that memory is capped and the whole tree can be killed.
 */
public final class ProcessRunner implements FunctionRunner {

    /** Linux pipe capacity: a body this small is written before reading stdout without risk of deadlock. */
    static final int INLINE_BODY_MAX = 64 * 1024;
    static final int STDERR_TAIL_BYTES = 2048;
    private static final AtomicInteger STDERR_FILES = new AtomicInteger();

    private final LimitLauncher launcher;
    private final ProgramLocator locator;
    private final ExecSettings settings;
    private final ScheduledExecutorService deadlines;
    private final ExecutorService pumps;
    private final ProcessTrees trees;
    /** One stderr file per pool thread, truncated by each start: no extra thread drains stderr. */
    private final ThreadLocal<Path> stderrFile;

    public ProcessRunner(LimitLauncher launcher, ProgramLocator locator, ExecSettings settings,
                         ScheduledExecutorService deadlines, ExecutorService pumps, ProcessTrees trees) {
        this.launcher = launcher;
        this.locator = locator;
        this.settings = settings;
        this.deadlines = deadlines;
        this.pumps = pumps;
        this.trees = trees;
        this.stderrFile = ThreadLocal.withInitial(
                () -> settings.scratch().resolve("stderr-" + STDERR_FILES.incrementAndGet()));
    }

    @Override
    public Outcome run(Invocation invocation) {
        HandoffFrame frame = invocation.frame();
        if (!Files.isRegularFile(Path.of(frame.modulePath()))) {
            return new Outcome.ModuleMissing(frame.modulePath());
        }
        Optional<Path> interpreter = Optional.empty();
        Optional<String> wanted = RuntimeCommand.interpreter(frame.runtime());
        if (wanted.isPresent()) {
            String program = wanted.get();
            interpreter = locator.find(program);
            if (interpreter.isEmpty()) {
                return new Outcome.RuntimeMissing(program, RuntimeCommand.debianPackage(frame.runtime()));
            }
        }
        Process process;
        try {
            process = start(frame, RuntimeCommand.program(frame, interpreter.orElse(null)));
        } catch (IOException e) {
            return new Outcome.LaunchFailed("could not start the function: " + e.getMessage());
        }
        return supervise(process, invocation);
    }

    private Process start(HandoffFrame frame, List<String> program) throws IOException {
        long dataBytes = (long) Math.max(1, frame.memoryMb()) << 20;
        // the CPU rlimit is only a backstop behind the wall-clock deadline
        long cpuSeconds = TimeUnit.MILLISECONDS.toSeconds(frame.timeoutMillis()) + 2;
        ProcessBuilder builder = new ProcessBuilder(launcher.command(dataBytes, cpuSeconds, program))
                .directory(settings.workDir().toFile())
                .redirectError(ProcessBuilder.Redirect.to(stderrFile.get().toFile()));
        builder.environment().clear();
        builder.environment().putAll(CgiEnvironment.build(frame, settings.functionPath(), settings.workDir()));
        return builder.start();
    }

    private Outcome supervise(Process process, Invocation invocation) {
        trees.started(process);
        int timeoutMillis = invocation.frame().timeoutMillis();
        long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> timer = deadlines.schedule(() -> {
            timedOut.set(true);
            trees.kill(process);
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        Future<?> pump = null;
        try {
            pump = feedStdin(process, invocation.body());
            OutputCapture out = OutputCapture.read(process.getInputStream(), settings.outputCap());
            if (out.overflowed()) {
                trees.kill(process);
            }
            int exitCode = process.waitFor();
            timer.cancel(false);
            if (timedOut.get()) {
                return new Outcome.TimedOut(timeoutMillis);
            }
            if (out.overflowed()) {
                return new Outcome.OutputTooLarge(settings.outputCap());
            }
            awaitPump(pump, deadlineNanos);
            return new Outcome.Exited(exitCode, out.bytes(), out.length(), exitCode == 0 ? "" : stderrTail());
        } catch (IOException | RejectedExecutionException e) {
            trees.kill(process);
            return new Outcome.LaunchFailed("lost contact with the function: " + e.getMessage());
        } catch (InterruptedException e) {
            trees.kill(process);
            Thread.currentThread().interrupt();
            return new Outcome.LaunchFailed("worker is shutting down");
        } finally {
            timer.cancel(false);
            trees.ended(process);
            closeStreams(process, pump == null);
        }
    }

    /** Small bodies already in memory go in directly; anything else is pumped from another thread. */
    private Future<?> feedStdin(Process process, BodySource body) {
        byte[] small = body.inMemory(INLINE_BODY_MAX);
        if (small == null) {
            return pumps.submit(body.copyTask(process.getOutputStream()));
        }
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(small);
        } catch (IOException functionDidNotRead) {
            // it exited or closed stdin without reading: its output still decides the answer
        }
        return null;
    }

    /** The pump must finish for the connection to be reusable; past the deadline we stop waiting. */
    private static void awaitPump(Future<?> pump, long deadlineNanos) throws InterruptedException {
        if (pump == null) {
            return;
        }
        try {
            pump.get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException stillRunningOrFailed) {
            // the body was not fully read: the answer will close the connection
        }
    }

    private String stderrTail() {
        try (RandomAccessFile file = new RandomAccessFile(stderrFile.get().toFile(), "r")) {
            long start = Math.max(0, file.length() - STDERR_TAIL_BYTES);
            byte[] tail = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(tail);
            return new String(tail, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(stderr unavailable: " + e.getMessage() + ")";
        }
    }

    /** A running pump owns stdin and closes it itself; closing it under its feet could reuse the number. */
    private static void closeStreams(Process process, boolean closeStdin) {
        closeQuietly(process.getInputStream());
        closeQuietly(process.getErrorStream());
        if (closeStdin) {
            closeQuietly(process.getOutputStream());
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing a pipe of a finished process; nothing to recover
        }
    }
}
