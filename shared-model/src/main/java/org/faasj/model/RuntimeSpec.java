package org.faasj.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything about a runtime that code on either side branches on, in one place: the descriptor
 * names, the interpreter and the Debian package it comes from, how argv is built, and which of the
 * worker's machinery (warm pool, CPU gate, handler mode, in-worker engine) applies. Code that really
 * differs per runtime (the PHP prelude, the handler bootstraps, the WASM engine) stays where it is
 * and asks this spec whether it applies.
 *
 * @param ids            descriptor names, the first one canonical (what {@link FunctionRuntime#id()} returns
 *                       and what rows store)
 * @param interpreter    the program looked up on the functions' PATH, or null when the module runs itself
 * @param debianPackage  where a missing interpreter comes from, or null when there is no interpreter
 * @param launch         how the module is started
 * @param memoryArgs     interpreter options that apply the descriptor's memory ({@code {mb}} is replaced),
 *                       so the language reports its own readable error before the rlimit hits
 * @param syntaxCheck    interpreter arguments that check a source file at deploy (the file follows), or
 *                       empty when the upload is checked another way
 * @param warmPool       process mode may start the process before its request (the request's
 *                       environment then arrives on stdin, read by the runtime's prelude)
 * @param cpuGated       starting it costs enough CPU that concurrent starts wait at the CPU gate
 * @param handlerMode    may run in {@code "mode": "handler"}
 */
public record RuntimeSpec(List<String> ids, String interpreter, String debianPackage, Launch launch,
                          List<String> memoryArgs, List<String> syntaxCheck, boolean warmPool, boolean cpuGated,
                          boolean handlerMode) {

    /** How a module is started. */
    public enum Launch {
        /** {@code <interpreter> [options] <module>} in a sandboxed process. */
        INTERPRETER,
        /** The module is an executable, started directly in a sandboxed process. */
        EXECUTABLE,
        /** Runs inside the worker's JVM (no process, no interpreter on PATH). */
        IN_WORKER
    }

    public RuntimeSpec {
        ids = List.copyOf(ids);
        memoryArgs = List.copyOf(memoryArgs);
        syntaxCheck = List.copyOf(syntaxCheck);
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("a runtime needs at least one descriptor name");
        }
        if ((launch == Launch.INTERPRETER) != (interpreter != null)) {
            throw new IllegalArgumentException("an interpreter is needed exactly when the launch is INTERPRETER");
        }
    }

    public String id() {
        return ids.get(0);
    }

    /** Runs as a process (per call or pooled), as opposed to inside the worker. */
    public boolean runsAsProcess() {
        return launch != Launch.IN_WORKER;
    }

    /** The interpreter options that apply {@code memoryMb}, in argv order. */
    public List<String> memoryArgs(int memoryMb) {
        List<String> args = new ArrayList<>(memoryArgs.size());
        for (String arg : memoryArgs) {
            args.add(arg.replace("{mb}", Integer.toString(memoryMb)));
        }
        return args;
    }
}
