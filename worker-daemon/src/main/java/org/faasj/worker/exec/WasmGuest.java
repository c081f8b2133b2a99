package org.faasj.worker.exec;

import java.util.ArrayList;
import java.util.List;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.GlobalInstance;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.TableInstance;
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
 * stays per call. Between calls {@link #reset} puts back everything else a guest can change, from
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
    /** The current call's WASI functions, read by the trampolines; only the running thread touches it. */
    private HostFunction[] wasi;

    private WasmGuest(WasmModules.Compiled compiled, MemoryLimits limits, WasmMemoryBudget.Lease lease,
                      HostFunction[] wasi) {
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
                            HostFunction[] wasi) {
        WasmMemoryBudget.Lease lease = budget.lease();
        try {
            return new WasmGuest(compiled, limits, lease, wasi);
        } catch (RuntimeException | Error e) {
            lease.close();
            throw e;
        }
    }

    /** The host functions of a new WASI context, in the shape the trampolines expect. */
    static HostFunction[] wasiFunctions(WasiPreview1 wasi) {
        HostFunction[] functions = wasi.toHostFunctions();
        if (functions.length != WASI_SHAPE.length) {
            throw new IllegalStateException("WASI gave " + functions.length + " functions, expected " + WASI_SHAPE.length);
        }
        return functions;
    }

    private HostFunction[] trampolines() {
        HostFunction[] out = new HostFunction[WASI_SHAPE.length];
        for (int i = 0; i < out.length; i++) {
            HostFunction shape = WASI_SHAPE[i];
            int index = i;
            out[i] = new HostFunction(shape.module(), shape.name(), shape.functionType(),
                    (caller, args) -> wasi[index].handle().apply(caller, args));
        }
        return out;
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

    /** Runs the command's {@code _start} with the call's WASI; a {@code proc_exit} ends it with WasiExitException. */
    void start(HostFunction[] callWasi) {
        this.wasi = callWasi;
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
    }

    boolean fits(MemoryLimits wanted) {
        return limits == null ? wanted == null : limits.equals(wanted);
    }

    Memory memory() {
        return instance.memory();
    }

    /** The bytes of linear memory it holds (what an idle guest keeps from the budget). */
    long memoryBytes() {
        return (long) memoryPages * Memory.PAGE_SIZE;
    }

    void discard() {
        wasi = null;
        lease.close();
    }
}
