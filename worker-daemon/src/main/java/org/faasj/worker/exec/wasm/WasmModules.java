package org.faasj.worker.exec.wasm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.InterpreterMachine;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WASM modules parsed and compiled to JVM bytecode once per version, kept in a small LRU.
 *
 * <p>A version is the file's path, size and modification time: a redeploy writes a new file (or
 * rewrites this one), so the key changes and the old entry is dropped, as are the entries of the
 * same function's older versions (the control plane stores each version at its own path) with
 * their idle instances. An older version asked for after a newer one (a call handed off just
 * before the switch) is compiled beside it, never in its place. Compiling takes 30–600 ms, so
 * it runs outside the lock and concurrent first calls of one module wait for the same compilation.
 *
 * <p>Bounded twice. By count (64): the compiled classes of a module live in metaspace until its entry
 * is evicted and a GC unloads them (about 0.2 MB each for a C hello; workers have
 * {@code -XX:MaxMetaspaceSize=48m}). And by estimated heap: Chicory keeps the parsed module (every
 * instruction as an object) for each instantiation, measured at about 1.1 MB of live heap for a
 * 33 KB module, so an entry is charged {@link #HEAP_PER_MODULE_BYTE} times its file size.
 */
public final class WasmModules {

    private static final Logger log = LoggerFactory.getLogger(WasmModules.class);
    static final int DEFAULT_CAPACITY = 64;
    /** Live heap per byte of module file: 1.1 MB measured for a 33 KB module (hello.c), rounded up. */
    static final long HEAP_PER_MODULE_BYTE = 40;

    /**
     * A module ready to instantiate: its parsed form, the machine factory every instance shares and
     * its idle instances (closed when the entry leaves the cache).
     */
    public record Compiled(WasmModule module, Function<Instance, Machine> machines, boolean interpreted,
                           long compileNanos, WasmInstancePool instances) {
    }

    /**
     * {@code function} and {@code version} name the deployment, for dropping older ones. Its equals
     * and hashCode are written out: a record's generated ones go through method handles, which the
     * workers' C1-only JIT does not inline, and every call looks a key up (perf: about 3 % of a
     * worker's CPU per WASM hello, more than the {@code stat} the key comes from).
     */
    private record Key(Path path, long size, long modifiedMillis, String function, int version) {
        long heapEstimate() {
            return size * HEAP_PER_MODULE_BYTE;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key k && size == k.size && modifiedMillis == k.modifiedMillis
                    && version == k.version && path.equals(k.path) && function.equals(k.function);
        }

        @Override
        public int hashCode() {
            int h = path.hashCode();
            h = 31 * h + Long.hashCode(size);
            h = 31 * h + Long.hashCode(modifiedMillis);
            h = 31 * h + function.hashCode();
            return 31 * h + version;
        }
    }

    private final int capacity;
    private final long heapBytes;
    private final Map<Key, CompletableFuture<Compiled>> entries;
    private final WasmInstancePool.Allowance idleGuests;
    private long heapUsed; // guarded by entries

    /**
     * @param heapBytes the heap the cached modules may take together (the newest one always stays);
     *                  their idle instances' linear memories may take a quarter of it more
     */
    public WasmModules(long heapBytes) {
        this(DEFAULT_CAPACITY, heapBytes);
    }

    WasmModules(int capacity, long heapBytes) {
        this.capacity = capacity;
        this.heapBytes = heapBytes;
        this.entries = new LinkedHashMap<>(16, 0.75f, true);
        this.idleGuests = new WasmInstancePool.Allowance(heapBytes / 4);
    }

    /** The compiled module at {@code path}, a module of no known function (tests). */
    Compiled get(Path path) throws IOException {
        return get(path, path.toString(), 0);
    }

    /**
     * The compiled module at {@code path}, version {@code version} of {@code function}, compiling it
     * on first use.
     *
     * @throws NoSuchFileException when there is no file
     * @throws IOException when it cannot be read
     * @throws com.dylibso.chicory.wasm.ChicoryException when it is not a valid module
     */
    public Compiled get(Path path, String function, int version) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
        Key key = new Key(path, attributes.size(), attributes.lastModifiedTime().toMillis(), function, version);
        CompletableFuture<Compiled> entry;
        boolean mine = false;
        synchronized (entries) {
            entry = entries.get(key);
            if (entry == null) {
                entry = new CompletableFuture<>();
                dropOtherVersions(key);
                entries.put(key, entry);
                heapUsed += key.heapEstimate();
                mine = true;
                evictOverCapacity();
            }
        }
        if (mine) {
            compileInto(key, entry, idleGuests);
        }
        try {
            return entry.join();
        } catch (CompletionException e) {
            throw rethrow(e.getCause());
        }
    }

    private void compileInto(Key key, CompletableFuture<Compiled> entry, WasmInstancePool.Allowance idle) {
        try {
            entry.complete(compile(key.path(), idle));
        } catch (Throwable e) {
            // a broken module is not cached: the next call reports the same error, and a fixed file is seen
            synchronized (entries) {
                if (entries.remove(key, entry)) {
                    heapUsed -= key.heapEstimate();
                }
            }
            entry.completeExceptionally(e);
        }
    }

    static Compiled compile(Path path, WasmInstancePool.Allowance idle) throws IOException {
        long start = System.nanoTime();
        WasmModule module = Parser.parse(Files.readAllBytes(path));
        Function<Instance, Machine> machines;
        boolean interpreted = false;
        boolean fullyCompiled = false;
        try {
            machines = MachineFactoryCompiler.builder(module).withInterpreterFallback(InterpreterFallback.FAIL).compile();
            fullyCompiled = true;
        } catch (RuntimeException | LinkageError whole) {
            // some functions exceed what one JVM method can hold: interpret those, compile the rest
            log.warn("wasm module {}: compiling every function to bytecode failed ({}); "
                    + "functions the compiler cannot take run in the interpreter", path, whole.toString());
            try {
                machines = MachineFactoryCompiler.builder(module).withInterpreterFallback(InterpreterFallback.SILENT)
                        .compile();
            } catch (RuntimeException | LinkageError stillFailing) {
                log.warn("wasm module {}: the compiler failed again ({}); the whole module runs in the interpreter",
                        path, stillFailing.toString());
                machines = InterpreterMachine::new;
                interpreted = true;
            }
        }
        String whyNotPooled = WasmInstancePool.whyNotPooled(module, fullyCompiled);
        if (whyNotPooled != null) {
            log.info("wasm module {}: a new instance per call ({})", path, whyNotPooled);
        }
        return new Compiled(module, machines, interpreted, System.nanoTime() - start,
                new WasmInstancePool(idle, whyNotPooled));
    }

    private void dropOtherVersions(Key key) {
        Iterator<Map.Entry<Key, CompletableFuture<Compiled>>> all = entries.entrySet().iterator();
        while (all.hasNext()) {
            Map.Entry<Key, CompletableFuture<Compiled>> old = all.next();
            Key k = old.getKey();
            if (k.path().equals(key.path()) || (k.function().equals(key.function()) && k.version() < key.version())) {
                all.remove();
                dropped(old);
            }
        }
    }

    /** Least recently used first; the entry just added (the last) is never evicted. */
    private void evictOverCapacity() {
        Iterator<Map.Entry<Key, CompletableFuture<Compiled>>> eldest = entries.entrySet().iterator();
        while ((entries.size() > capacity || heapUsed > heapBytes) && entries.size() > 1) {
            Map.Entry<Key, CompletableFuture<Compiled>> entry = eldest.next();
            eldest.remove();
            dropped(entry);
        }
    }

    /** Its heap is no longer counted and its idle instances go (once compiled, if it is still compiling). */
    private void dropped(Map.Entry<Key, CompletableFuture<Compiled>> entry) {
        heapUsed -= entry.getKey().heapEstimate();
        entry.getValue().thenAccept(compiled -> compiled.instances().close());
    }

    WasmInstancePool.Allowance idleGuests() {
        return idleGuests;
    }

    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    private static IOException rethrow(Throwable cause) throws IOException {
        if (cause instanceof IOException io) {
            throw io;
        }
        if (cause instanceof RuntimeException re) {
            throw re;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        throw new IllegalStateException(cause);
    }
}
