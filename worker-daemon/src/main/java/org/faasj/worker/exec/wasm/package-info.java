/**
 * WASM: WASI preview1 command modules run inside the worker on Chicory
 * ({@link org.faasj.worker.exec.wasm.WasmRunner}). Owns the compiled-module cache, the instances
 * reused and reset between calls, the heap budget their memories are charged to, the guest's
 * stdout/stderr buffers and the deadline that interrupts a running guest.
 */
package org.faasj.worker.exec.wasm;
