package org.faasj.worker.exec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Finds interpreters on the functions' PATH. Answers are cached for a while because every request
 * asks, and re-checked so that installing {@code php-cli} on a running machine is noticed.
 */
public final class ProgramLocator {

    static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(10);

    private record Lookup(Optional<Path> path, long checkedAtNanos) {
    }

    private final String[] searchPath;
    private final LongSupplier nanoClock;
    private final Map<String, Lookup> cache = new ConcurrentHashMap<>();

    public ProgramLocator(String searchPath) {
        this(searchPath, System::nanoTime);
    }

    ProgramLocator(String searchPath, LongSupplier nanoClock) {
        this.searchPath = searchPath.split(":");
        this.nanoClock = nanoClock;
    }

    public Optional<Path> find(String program) {
        long now = nanoClock.getAsLong();
        Lookup known = cache.get(program);
        if (known != null && now - known.checkedAtNanos() < REFRESH_NANOS) {
            return known.path();
        }
        Optional<Path> found = search(program);
        cache.put(program, new Lookup(found, now));
        return found;
    }

    private Optional<Path> search(String program) {
        for (String dir : searchPath) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
