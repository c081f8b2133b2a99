package org.faasj.worker.exec.wasm;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.OpCode;

/**
 * The idle, reset-able instances of one compiled module version ({@link WasmGuest}), so that a call
 * costs a reset instead of an instantiation.
 *
 * <p>A guest comes back only after a call that ended normally (returned or {@code proc_exit}); a
 * trapped, timed-out, over-cap or otherwise failed guest is discarded, as is one that grew its
 * memory or a table. Newest first (its memory is the likeliest to be in a CPU cache). Bounded by
 * {@link #MAX_IDLE} per module and, over all modules, by an {@link Allowance} of idle linear memory
 * (memory images included);
 * idle guests keep their memory charged to {@link WasmMemoryBudget}, so the allowance is also what
 * they can take from running calls. {@link #close()} (the module version left the cache) discards
 * them, and guests given back later.
 *
 * <p>Only modules whose whole state the reset covers are pooled ({@link #whyNotPooled}); the others
 * get a new instance per call, as before.
 */
final class WasmInstancePool {

    static final int MAX_IDLE = 16;

    /** Idle linear memory over all pools. */
    static final class Allowance {
        private final long limitBytes;
        private final AtomicLong used = new AtomicLong();

        Allowance(long limitBytes) {
            this.limitBytes = limitBytes;
        }

        boolean tryTake(long bytes) {
            long after = used.addAndGet(bytes);
            if (after > limitBytes) {
                used.addAndGet(-bytes);
                return false;
            }
            return true;
        }

        void give(long bytes) {
            used.addAndGet(-bytes);
        }

        long usedBytes() {
            return used.get();
        }
    }

    private final Allowance allowance;
    private final String whyNot;
    private final ArrayDeque<WasmGuest> idle = new ArrayDeque<>(); // guarded by this
    private volatile boolean closed; // written under this
    /**
     * The module's linear memory right after instantiation, what every reset copies back: taken
     * from the first guest, charged to the allowance like idle memory. Null until then, or without
     * memory; {@link #hasImage} tells which.
     */
    private byte[] image; // guarded by this
    private boolean hasImage; // guarded by this

    WasmInstancePool(Allowance allowance, String whyNot) {
        this.allowance = allowance;
        this.whyNot = whyNot;
    }

    boolean enabled() {
        return whyNot == null;
    }

    /** Null when the module's guests are reused, else why each call gets a new instance. */
    String whyNot() {
        return whyNot;
    }

    /**
     * A new guest; the first one of a pooled module also gives the memory image the resets copy back.
     *
     * @throws WasmMemoryBudget.Exhausted when the budget cannot take its initial memory
     * @throws com.dylibso.chicory.wasm.ChicoryException when instantiation fails
     */
    WasmGuest create(WasmModules.Compiled compiled, MemoryLimits limits, WasmMemoryBudget budget,
                     WasiPreview1 wasi) {
        WasmGuest guest = WasmGuest.create(compiled, limits, budget, wasi);
        if (enabled()) {
            keepImage(guest);
        }
        return guest;
    }

    private synchronized void keepImage(WasmGuest guest) {
        if (hasImage || closed) {
            return;
        }
        byte[] copy = guest.image();
        if (copy == null || allowance.tryTake(copy.length)) {
            image = copy;
            hasImage = true;
        }
    }

    /**
     * An idle guest for these limits, reset to its just-instantiated state, or null (create one); one
     * with other limits is discarded.
     */
    WasmGuest take(MemoryLimits limits) {
        while (true) {
            WasmGuest guest;
            byte[] initial;
            synchronized (this) {
                guest = idle.pollFirst();
                initial = image;
            }
            if (guest == null) {
                return null;
            }
            allowance.give(guest.memoryBytes());
            if (guest.fits(limits)) {
                try {
                    guest.reset(initial);
                } catch (RuntimeException | Error e) {
                    guest.discard(); // its memory goes back to the budget whatever happened
                    throw e;
                }
                return guest;
            }
            guest.discard(); // the descriptor's memory changed: this guest's cap is stale
        }
    }

    /** After a call that ended normally: keep the guest for the next call, or discard it. */
    void giveBack(WasmGuest guest) {
        guest.park();
        if (enabled() && guest.reusable() && keep(guest)) {
            return;
        }
        guest.discard();
    }

    private boolean keep(WasmGuest guest) {
        synchronized (this) {
            if (closed || !hasImage || idle.size() >= MAX_IDLE || !allowance.tryTake(guest.memoryBytes())) {
                return false;
            }
            idle.addFirst(guest);
            return true;
        }
    }

    /** Discards the idle guests; from now on every guest given back is discarded too. */
    void close() {
        synchronized (this) {
            closed = true;
            for (WasmGuest guest : idle) {
                allowance.give(guest.memoryBytes());
                guest.discard();
            }
            idle.clear();
            if (image != null) {
                allowance.give(image.length);
                image = null;
            }
            hasImage = false;
        }
    }

    /** True once the module version left the cache: its next call may compile again. */
    boolean retired() {
        return closed;
    }

    synchronized int idleCount() {
        return idle.size();
    }

    /**
     * Why a reset could leave something of an earlier call behind or differ from a new instance, or
     * null when it cannot. The interpreter keeps a value and frame stack per instance that a trap or
     * {@code proc_exit} may leave filled; a start section runs at instantiation, with that call's
     * WASI, which a reset to the first guest's memory would not repeat; {@code data.drop} changes
     * what {@code memory.init} sees; exception tags keep the last thrown exception per instance.
     */
    static String whyNotPooled(WasmModule module, boolean fullyCompiled) {
        if (!fullyCompiled) {
            return "runs (partly) in the interpreter";
        }
        if (module.startSection().isPresent()) {
            return "has a start section";
        }
        if (module.tagSection().isPresent() && module.tagSection().get().tagCount() > 0) {
            return "uses exception tags";
        }
        for (FunctionBody body : module.codeSection().functionBodies()) {
            for (AnnotatedInstruction instruction : body.instructions()) {
                if (instruction.opcode() == OpCode.DATA_DROP) {
                    return "uses data.drop";
                }
            }
        }
        return null;
    }
}
