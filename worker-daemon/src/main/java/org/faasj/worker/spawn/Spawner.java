package org.faasj.worker.spawn;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts function processes through the faas-spawn fork server. One connection; requests are
 * written under a lock by the calling threads; one link thread reads every reply and hands
 * SPAWNED replies to the waiting caller and EXIT records (with the USAGE before each) to the
 * process they belong to.
 *
 * <p>The link thread also starts the server, and restarts it when it dies: the server's
 * PR_SET_PDEATHSIG fires when the <em>thread</em> that started it ends, so that thread must live
 * as long as the server does. Spawns while it is down fail with {@link SpawnerUnavailableException};
 * processes of a dead server were killed with it, and their exits complete exceptionally.
 */
public final class Spawner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Spawner.class);
    private static final String RESOURCE = "/native/faas-spawn";
    private static final long REPLY_TIMEOUT_SECONDS = 10;
    private static final long RESTART_DELAY_MILLIS = 100;
    private static final long READY_WAIT_MILLIS = 1000;

    private final List<String> command;
    private final boolean sandboxed;
    private final Object writeLock = new Object();
    private final AtomicInteger tags = new AtomicInteger();
    private final Map<Integer, CompletableFuture<SpawnedProcess>> pendingSpawns = new ConcurrentHashMap<>();
    private final Map<Integer, CompletableFuture<SpawnedProcess.Exit>> exits = new ConcurrentHashMap<>();
    private final CountDownLatch firstStart = new CountDownLatch(1);
    private final Thread linkThread;
    private volatile ForkServerLink link;
    private volatile IOException startFailure;
    private volatile boolean closed;

    private Spawner(List<String> command, boolean sandboxed) {
        this.command = List.copyOf(command);
        this.sandboxed = sandboxed;
        this.linkThread = new Thread(this::superviseLinks, "faas-spawn-link");
        linkThread.setDaemon(true);
    }

    /** Extracts faas-spawn into {@code scratch}, starts it and connects; fails if the first start fails. */
    public static Spawner start(Path scratch) throws IOException {
        return start(scratch, SandboxConfig.OFF, null);
    }

    /**
     * With the sandbox on, the server builds its root tree under {@code scratch/sandbox-root} and
     * shows {@code share} (the PHP prelude's directory) read-only at {@code /.faas}; it fails to
     * start rather than run anything unisolated.
     */
    public static Spawner start(Path scratch, SandboxConfig sandbox, Path share) throws IOException {
        List<String> command = new ArrayList<>(List.of(extract(scratch).toString(),
                scratch.resolve("faas-spawn.sock").toString()));
        if (sandbox.on()) {
            command.addAll(List.of("--sandbox", scratch.resolve("sandbox-root").toString(), share.toString(),
                    Long.toString(sandbox.uidBase()), Integer.toString(sandbox.uidCount()),
                    Long.toString(sandbox.memoryMb())));
        }
        Spawner spawner = new Spawner(command, sandbox.on());
        spawner.linkThread.start();
        try {
            spawner.firstStart.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting faas-spawn", e);
        }
        if (spawner.startFailure != null) {
            spawner.close();
            throw spawner.startFailure;
        }
        return spawner;
    }

    private static Path extract(Path dir) throws IOException {
        Path target = dir.resolve("faas-spawn");
        try (InputStream in = Spawner.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("fork server " + RESOURCE + " missing from the classpath (was it built by gcc?)");
            }
            Path tmp = Files.createTempFile(dir, "faas-spawn", ".tmp");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            // a rename, so a restarting worker never executes a half-written file ("Text file busy")
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return target;
    }

    /** Whether processes start in the sandbox: their paths are then the sandbox's, not the host's. */
    public boolean sandboxed() {
        return sandboxed;
    }

    /** The server's pid while it runs (its children are the function processes), else -1. */
    public long serverPid() {
        ForkServerLink current = link;
        return current == null ? -1 : current.pid();
    }

    /**
     * Starts a process. {@code stderr} is sent along and may be closed by the caller afterwards.
     * Throws {@link SpawnerUnavailableException} if the server is down; an exec failure is not an
     * exception: the process exits with 127 and says why on its stderr.
     */
    public SpawnedProcess spawn(SpawnRequest request, FileDescriptor stderr) throws IOException {
        int tag = tags.incrementAndGet();
        CompletableFuture<SpawnedProcess> reply = new CompletableFuture<>();
        pendingSpawns.put(tag, reply);
        try {
            send(SpawnProtocol.spawn(tag, request), stderr);
            return reply.get(REPLY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (TimeoutException e) {
            throw new SpawnerUnavailableException("faas-spawn did not answer in " + REPLY_TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting a process", e);
        } finally {
            pendingSpawns.remove(tag);
        }
    }

    /** SIGKILLs the process group led by {@code pid}; the server ignores it once that pid was reaped. */
    public void kill(long pid) {
        try {
            send(SpawnProtocol.kill(pid), null);
        } catch (IOException e) {
            log.debug("kill of {} not sent: {}", pid, e.toString()); // a dead server took its children along
        }
    }

    private void send(byte[] request, FileDescriptor attached) throws IOException {
        ForkServerLink current = awaitLink();
        synchronized (writeLock) {
            try {
                current.write(request, attached);
            } catch (IOException e) {
                current.stopServer(); // the link thread sees the end of stream and restarts the server
                throw new SpawnerUnavailableException("faas-spawn connection broken: " + e.getMessage());
            }
        }
    }

    /** While a restart is under way, waits a moment instead of failing the request at once. */
    private ForkServerLink awaitLink() throws SpawnerUnavailableException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_WAIT_MILLIS);
        ForkServerLink current = link;
        while (current == null && !closed && System.nanoTime() < deadline) {
            sleepQuietly(10);
            current = link;
        }
        if (current == null) {
            throw new SpawnerUnavailableException("fork server faas-spawn is not running");
        }
        return current;
    }

    private void superviseLinks() {
        while (!closed) {
            try {
                ForkServerLink started = ForkServerLink.start(command);
                link = started;
                firstStart.countDown();
                readReplies(started);
            } catch (IOException e) {
                if (firstStart.getCount() > 0) {
                    startFailure = e;
                    firstStart.countDown();
                    return;
                }
                if (!closed) {
                    log.warn("faas-spawn failed: {}", e.toString());
                }
            }
            link = null;
            failInFlight();
            if (!closed) {
                log.warn("faas-spawn ended; restarting it");
                sleepQuietly(RESTART_DELAY_MILLIS);
            }
        }
    }

    private void readReplies(ForkServerLink current) throws IOException {
        byte[] record = new byte[SpawnProtocol.REPLY_BYTES];
        // a USAGE comes right before the EXIT of the same pid; held here until that EXIT
        SpawnProtocol.Reply usage = null;
        try (current) {
            while (current.readReply(record)) {
                SpawnProtocol.Reply reply = SpawnProtocol.Reply.decode(record);
                FileDescriptor[] fds = current.takeDescriptors();
                if (reply.type() == SpawnProtocol.REPLY_SPAWNED) {
                    onSpawned(reply.a(), reply.b(), fds);
                } else if (reply.type() == SpawnProtocol.REPLY_USAGE) {
                    usage = reply;
                } else if (reply.type() == SpawnProtocol.REPLY_EXIT) {
                    boolean matches = usage != null && usage.a() == reply.a();
                    onExit(reply.a(), reply.b(), matches ? usage.usage() : ProcessUsage.UNKNOWN);
                    usage = null;
                } else {
                    throw new IOException("unknown reply type " + reply.type());
                }
            }
        }
    }

    private void onSpawned(int tag, int pidOrErrno, FileDescriptor[] fds) {
        CompletableFuture<SpawnedProcess> waiting = pendingSpawns.get(tag);
        if (pidOrErrno <= 0 || fds.length < 2) {
            closeAll(fds);
            failSpawn(waiting, new IOException("faas-spawn could not fork: errno " + -pidOrErrno));
            return;
        }
        CompletableFuture<SpawnedProcess.Exit> exit = new CompletableFuture<>();
        exits.put(pidOrErrno, exit);
        SpawnedProcess process = new SpawnedProcess(pidOrErrno, new FileOutputStream(fds[0]),
                new FileInputStream(fds[1]), fds.length > 2 ? new FileOutputStream(fds[2]) : null, exit);
        if (waiting == null || !waiting.complete(process)) {
            // the caller gave up waiting: nobody will ever read or kill this one
            kill(pidOrErrno);
            process.closeStreams(false);
        }
    }

    private void onExit(int pid, int waitStatus, ProcessUsage usage) {
        CompletableFuture<SpawnedProcess.Exit> exit = exits.remove(pid);
        if (exit != null) {
            exit.complete(new SpawnedProcess.Exit(waitStatus, usage));
        }
    }

    private static void failSpawn(CompletableFuture<SpawnedProcess> waiting, IOException e) {
        if (waiting != null) {
            waiting.completeExceptionally(e);
        }
    }

    private void failInFlight() {
        SpawnerUnavailableException lost = new SpawnerUnavailableException("fork server faas-spawn ended");
        pendingSpawns.values().forEach(f -> f.completeExceptionally(lost));
        exits.values().forEach(f -> f.completeExceptionally(lost));
        exits.clear();
    }

    private static void closeAll(FileDescriptor[] fds) {
        for (FileDescriptor fd : fds) {
            try {
                new FileInputStream(fd).close();
            } catch (IOException ignored) {
                // dropping a descriptor nobody will use
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops the server, which kills every process it started; the link thread then closes the
     * connection itself (see {@link ForkServerLink#stopServer()}).
     */
    @Override
    public void close() {
        closed = true;
        ForkServerLink current = link;
        if (current != null) {
            current.stopServer();
        }
        try {
            linkThread.join(TimeUnit.SECONDS.toMillis(3));
            if (linkThread.isAlive() && current != null) {
                current.killServer();
                linkThread.join(TimeUnit.SECONDS.toMillis(2));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
