package org.faasj.worker.exec.wasm;

import com.dylibso.chicory.wasi.WasiPreview1;

/**
 * One call's WASI state, all of it new per call: the context (streams, descriptors, exit code) and
 * the argv and environment the guest's trampolines serve beside it ({@link GuestStrings}).
 */
record WasiCall(WasiPreview1 wasi, GuestStrings arguments, GuestStrings environment) {

    /** A context with no argv and no environment (tests, instances built outside a call). */
    static WasiCall bare(WasiPreview1 wasi) {
        return new WasiCall(wasi, GuestStrings.NONE, GuestStrings.NONE);
    }
}
