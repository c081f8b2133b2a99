package org.faasj.worker.exec.wasm;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.GlobalInstance;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.types.Element;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.MutabilityType;

/**
 * One instantiated module that can serve call after call, each time in the state a fresh instance
 * would have.
 *
 * <p>Its WASI imports are trampolines to the current call's {@link WasiPreview1} (streams, argv,
 * environment, descriptors, exit code: all new per call), so the instance is built once while WASI
 * stays per call. The trampolines are bound once per guest and call the current context's methods
 * directly for the functions a C command uses on every call; only a call that uses another WASI
 * function builds that context's 46 host functions ({@link WasiPreview1#toHostFunctions()}), which
 * cost about 5 µs per call when every call built them. Between calls {@link #reset} puts back everything else a guest can change, from
 * the state right after instantiation: linear memory (one {@code System.arraycopy} of the module's
 * {@link #image()}), the mutable globals, the table entries and the element segments. Not Chicory's
 * {@link Instance#initialize}: it zeroes memory with {@code Arrays.fill}, which C1 (the workers run
 * {@code -XX:TieredStopAtLevel=1}) compiles to a byte loop, about 110 µs for hello's 192 KB. What
 * cannot be put back (memory or a table that grew: neither shrinks) makes {@link #reusable()} false
 * and the guest is dropped instead. {@link WasmInstancePool} decides which modules may be reset at all.
 *
 * <p>The guest's linear memory is charged to its own {@link WasmMemoryBudget.Lease} for as long as
 * it exists, idle or not; {@link #discard()} gives it back.
 */
final class WasmGuest {

    /** The WASI preview1 functions in the order {@link WasiPreview1#toHostFunctions()} gives them. */
    private static final HostFunction[] WASI_SHAPE;
    /** At most this much per {@code fd_read} of stdin; a shorter read is a normal short read to the guest. */
    static final int STDIN_CHUNK_BYTES = 16 * 1024;
    /** WASI preview1 errno values (Chicory's WasiErrno is not public). */
    private static final int ESUCCESS = 0;
    private static final int EIO = 29;

    static {
        try (WasiPreview1 template = WasiPreview1.builder().withOptions(WasiOptions.builder().build()).build()) {
            WASI_SHAPE = template.toHostFunctions();
        }
    }

    private final Instance instance;
    private final MemoryLimits limits;
    private final WasmMemoryBudget.Lease lease;
    private final int memoryPages;
    private final int[] tableSizes;
    private final int[][] tableRefs;
    private final Instance[][] tableOwners;
    private final Element[] elements;
    private final GlobalInstance[] globals;
    private final long[] globalLows;
    private final long[] globalHighs;
    /** The current call's WASI context, read by the trampolines; only the running thread touches it. */
    private WasiPreview1 wasi;
    /** The current context's host functions, built on the first call of a function without a direct path. */
    private HostFunction[] wasiFunctions;
    /** The current call's stdin while descriptor 0 is still it (the guest may close or renumber it). */
    private InputStream stdin;
    private final byte[] stdinChunk = new byte[STDIN_CHUNK_BYTES];

    private WasmGuest(WasmModules.Compiled compiled, MemoryLimits limits, WasmMemoryBudget.Lease lease,
                      WasiPreview1 wasi) {
        this.limits = limits;
        this.lease = lease;
        this.wasi = wasi;
        Instance.Builder builder = Instance.builder(compiled.module())
                .withImportValues(ImportValues.builder().addFunction(trampolines()).build())
                .withMachineFactory(compiled.machines())
                .withStart(false);
        if (limits != null) {
            builder.withMemoryLimits(limits).withMemoryFactory(l ->
                    new ByteArrayMemory(l, lease.strategy(Memory.bytes(l.maximumPages()))));
        }
        this.instance = builder.build();
        Memory memory = instance.memory();
        this.memoryPages = memory == null ? 0 : memory.pages();
        int tables = compiled.module().tableSection().tableCount();
        this.tableSizes = new int[tables];
        this.tableRefs = new int[tables][];
        this.tableOwners = new Instance[tables][];
        for (int t = 0; t < tables; t++) {
            TableInstance table = instance.table(t);
            tableSizes[t] = table.size();
            tableRefs[t] = new int[table.size()];
            tableOwners[t] = new Instance[table.size()];
            for (int i = 0; i < table.size(); i++) {
                tableRefs[t][i] = table.ref(i);
                tableOwners[t][i] = table.instance(i);
            }
        }
        this.elements = new Element[instance.elementCount()];
        for (int i = 0; i < elements.length; i++) {
            elements[i] = instance.element(i);
        }
        this.globals = mutableGlobals(instance, compiled.module().globalSection().globalCount());
        this.globalLows = new long[globals.length];
        this.globalHighs = new long[globals.length];
        for (int i = 0; i < globals.length; i++) {
            globalLows[i] = globals[i].getValueLow();
            globalHighs[i] = globals[i].getValueHigh();
        }
    }

    private static GlobalInstance[] mutableGlobals(Instance instance, int own) {
        int imported = instance.imports().globalCount();
        List<GlobalInstance> mutable = new ArrayList<>();
        for (int i = 0; i < own; i++) {
            GlobalInstance global = instance.global(imported + i);
            if (global.getMutabilityType() == MutabilityType.Var) {
                mutable.add(global);
            }
        }
        return mutable.toArray(new GlobalInstance[0]);
    }

    /**
     * Instantiates the module (its start section, if any, runs now, with {@code wasi}); its memory is
     * charged to the budget, and given back here if instantiation fails.
     *
     * @throws WasmMemoryBudget.Exhausted when the budget cannot take its initial memory
     * @throws com.dylibso.chicory.wasm.ChicoryException when instantiation fails (e.g. the start section traps)
     */
    static WasmGuest create(WasmModules.Compiled compiled, MemoryLimits limits, WasmMemoryBudget budget,
                            WasiPreview1 wasi) {
        WasmMemoryBudget.Lease lease = budget.lease();
        try {
            return new WasmGuest(compiled, limits, lease, wasi);
        } catch (RuntimeException | Error e) {
            lease.close();
            throw e;
        }
    }

    /** The current context's host functions, in the shape the trampolines expect (built once per call). */
    private HostFunction[] wasiFunctions() {
        if (wasiFunctions == null) {
            HostFunction[] functions = wasi.toHostFunctions();
            if (functions.length != WASI_SHAPE.length) {
                throw new IllegalStateException("WASI gave " + functions.length + " functions, expected " + WASI_SHAPE.length);
            }
            wasiFunctions = functions;
        }
        return wasiFunctions;
    }

    private HostFunction[] trampolines() {
        HostFunction[] out = new HostFunction[WASI_SHAPE.length];
        for (int i = 0; i < out.length; i++) {
            HostFunction shape = WASI_SHAPE[i];
            out[i] = new HostFunction(shape.module(), shape.name(), shape.functionType(), trampoline(shape.name(), i));
        }
        return out;
    }

    /**
     * Calls the current call's WASI function: directly for the functions hello.c (wasi-libc's start
     * and stdio) calls, each as Chicory's generated binding does it, else through the context's host
     * functions. {@code fd_read} of stdin is served here: Chicory's allocates a buffer of the guest's
     * whole iovec length per read (64 KB twice per call for hello.c's {@code fread}), which made the
     * worker's small young generation collect every few dozen calls. {@code fd_close} and
     * {@code fd_renumber} touching descriptor 0 hand stdin back to WASI.
     */
    private WasmFunctionHandle trampoline(String name, int index) {
        switch (name) {
            case "fd_read":
                return (caller, args) -> stdin != null && args[0] == 0
                        ? new long[] {readStdin(caller.memory(), (int) args[1], (int) args[2], (int) args[3])}
                        : result(wasi.fdRead(caller.memory(), (int) args[0], (int) args[1], (int) args[2], (int) args[3]));
            case "fd_close":
                return (caller, args) -> {
                    if (args[0] == 0) {
                        stdin = null;
                    }
                    return result(wasi.fdClose((int) args[0]));
                };
            case "fd_renumber":
                return (caller, args) -> {
                    if (args[0] == 0 || args[1] == 0) {
                        stdin = null;
                    }
                    return wasiFunctions()[index].handle().apply(caller, args);
                };
            case "fd_write":
                return (caller, args) -> result(wasi.fdWrite(caller.memory(), (int) args[0], (int) args[1],
                        (int) args[2], (int) args[3]));
            case "fd_seek":
                return (caller, args) -> result(wasi.fdSeek(caller.memory(), (int) args[0], args[1], (int) args[2],
                        (int) args[3]));
            case "fd_fdstat_get":
                return (caller, args) -> result(wasi.fdFdstatGet(caller.memory(), (int) args[0], (int) args[1]));
            case "args_get":
                return (caller, args) -> result(wasi.argsGet(caller.memory(), (int) args[0], (int) args[1]));
            case "args_sizes_get":
                return (caller, args) -> result(wasi.argsSizesGet(caller.memory(), (int) args[0], (int) args[1]));
            case "environ_get":
                return (caller, args) -> result(wasi.environGet(caller.memory(), (int) args[0], (int) args[1]));
            case "environ_sizes_get":
                return (caller, args) -> result(wasi.environSizesGet(caller.memory(), (int) args[0], (int) args[1]));
            case "proc_exit":
                return (caller, args) -> {
                    wasi.procExit((int) args[0]);
                    return null;
                };
            default:
                return (caller, args) -> wasiFunctions()[index].handle().apply(caller, args);
        }
    }

    private static long[] result(int errno) {
        return new long[] {errno};
    }

    /** WASI {@code fd_read} on stdin, as Chicory's does it (one read per iovec, stop at a short one). */
    private int readStdin(Memory memory, int iovs, int iovsLen, int nreadPtr) {
        int total = 0;
        for (int i = 0; i < iovsLen; i++) {
            int base = memory.readInt(iovs + i * 8);
            long length = memory.readInt(iovs + i * 8 + 4) & 0xFFFF_FFFFL;
            int read;
            try {
                read = stdin.read(stdinChunk, 0, (int) Math.min(length, stdinChunk.length));
            } catch (IOException e) {
                return EIO;
            }
            if (read < 0) {
                break;
            }
            memory.write(base, stdinChunk, 0, read);
            total += read;
            if (read < length) {
                break;
            }
        }
        memory.writeI32(nreadPtr, total);
        return ESUCCESS;
    }

    /** A copy of its linear memory now (just instantiated: the module's initial memory), or null without memory. */
    byte[] image() {
        Memory memory = instance.memory();
        return memory == null ? null : memory.readBytes(0, memory.pages() * Memory.PAGE_SIZE);
    }

    /**
     * Puts a {@link #reusable()} guest back into its just-instantiated state: memory from
     * {@code image} (what {@link #image()} gave for a new guest of the same module), globals, tables
     * and element segments from its own copy.
     */
    void reset(byte[] image) {
        if (image != null) {
            instance.memory().write(0, image, 0, image.length);
        }
        for (int i = 0; i < globals.length; i++) {
            globals[i].setValueLow(globalLows[i]);
            globals[i].setValueHigh(globalHighs[i]);
        }
        for (int t = 0; t < tableSizes.length; t++) {
            TableInstance table = instance.table(t);
            for (int i = 0; i < tableSizes[t]; i++) {
                table.setRef(i, tableRefs[t][i], tableOwners[t][i]);
            }
        }
        for (int i = 0; i < elements.length; i++) {
            instance.setElement(i, elements[i]);
        }
    }

    /**
     * Runs the command's {@code _start} with the call's WASI, whose stdin is {@code callStdin}; a
     * {@code proc_exit} ends it with WasiExitException.
     */
    void start(WasiPreview1 callWasi, InputStream callStdin) {
        this.wasi = callWasi;
        this.wasiFunctions = null;
        this.stdin = callStdin;
        instance.export(Instance.START_FUNCTION_NAME).apply();
    }

    /** False once the guest grew something a reset cannot shrink back. */
    boolean reusable() {
        Memory memory = instance.memory();
        if (memory != null && memory.pages() != memoryPages) {
            return false;
        }
        for (int t = 0; t < tableSizes.length; t++) {
            if (instance.table(t).size() != tableSizes[t]) {
                return false;
            }
        }
        return true;
    }

    /** Drops the last call's WASI context so an idle guest does not keep its buffers reachable. */
    void park() {
        this.wasi = null;
        this.wasiFunctions = null;
        this.stdin = null;
    }

    boolean fits(MemoryLimits wanted) {
        return limits == null ? wanted == null : limits.equals(wanted);
    }

    Memory memory() {
        return instance.memory();
    }

    /** The heap an idle guest keeps: its linear memory (also charged to the budget) and its stdin chunk. */
    long memoryBytes() {
        return (long) memoryPages * Memory.PAGE_SIZE + stdinChunk.length;
    }

    void discard() {
        park();
        lease.close();
    }
}
