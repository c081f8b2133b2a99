package org.faasj.controlplane.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;

/**
 * One control plane per data dir. Two on the same dir would both migrate and write the same SQLite
 * files, sweep each other's artifacts as orphans, share one worker run dir and, in cluster mode,
 * claim async calls under one node id. So the first takes an exclusive lock on
 * {@code <data-dir>/control-plane.lock} before any bean opens anything, and a second one stops at
 * start with a message naming the holder's pid. The operating system drops the lock when the
 * holder exits, {@code kill -9} included, so a stale lock file never blocks a restart.
 */
public final class DataDirLock implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

    static final String FILE_NAME = "control-plane.lock";
    private static final Path DEFAULT_DATA_DIR = Path.of("./data");

    /** Held for the life of the process: the lock goes when the channel closes. */
    private static FileChannel held;

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        Path dataDir = Binder.get(event.getEnvironment()).bind("faas.data-dir", Path.class).orElse(DEFAULT_DATA_DIR);
        acquire(PrivateDirectory.ensure(dataDir));
    }

    /**
     * Locks {@code dataDir} for this process (again from the same process: no-op).
     *
     * @throws IllegalStateException when another process holds it
     */
    static synchronized void acquire(Path dataDir) {
        if (held != null) {
            return;
        }
        Path file = dataDir.resolve(FILE_NAME);
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock == null) {
                String holder = readHolder(channel);
                channel.close();
                throw new IllegalStateException("data dir " + dataDir + " is in use by another control plane"
                        + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                        + "; stop it, or give this one its own faas.data-dir");
            }
            writeHolder(channel);
            held = channel;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock the data dir " + dataDir + " (" + file + ")", e);
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // this JVM holds it through another channel: a second context in one process
        }
    }

    private static String readHolder(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(32);
        channel.read(buffer, 0);
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
    }

    private static void writeHolder(FileChannel channel) throws IOException {
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        channel.force(false);
    }

    /** For tests: gives the lock up. */
    static synchronized void release() throws IOException {
        if (held != null) {
            held.close();
            held = null;
        }
    }
}
