package org.faasj.model;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.faasj.model.RuntimeSpec.Launch;

/**
 * How a worker executes a function's artifact. Source languages are compiled to one of these at deploy.
 * The constant names go over the wire in frames; what differs between runtimes is in each one's
 * {@link RuntimeSpec}, so adding a runtime starts here.
 */
public enum FunctionRuntime {
    /** {@code php <module>}: the interpreter reads the body on stdin. */
    PHP(new RuntimeSpec(List.of("php"), "php", "php-cli", Launch.INTERPRETER,
            List.of("-d", "memory_limit={mb}M"), List.of("-l"), true, true, true)),
    /** A compiled executable (from C or C++), started directly. */
    NATIVE(new RuntimeSpec(List.of("native", "c", "cpp", "c++"), null, null, Launch.EXECUTABLE,
            List.of(), List.of(), false, false, false)),
    /** {@code python3 <module>}. */
    PYTHON(new RuntimeSpec(List.of("python", "python3"), "python3", "python3", Launch.INTERPRETER,
            List.of(), List.of("-m", "py_compile"), false, true, true)),
    /** A WASI preview1 command module, run inside the worker. */
    WASM(new RuntimeSpec(List.of("wasm"), null, null, Launch.IN_WORKER,
            List.of(), List.of(), false, false, false));

    private final RuntimeSpec spec;

    FunctionRuntime(RuntimeSpec spec) {
        this.spec = spec;
    }

    public RuntimeSpec spec() {
        return spec;
    }

    public String id() {
        return spec.id();
    }

    /** Parses the descriptor's runtime name (any of {@link RuntimeSpec#ids()}, case-insensitive). */
    public static Optional<FunctionRuntime> fromId(String id) {
        if (id == null) {
            return Optional.empty();
        }
        String wanted = id.toLowerCase(Locale.ROOT);
        return Stream.of(values()).filter(runtime -> runtime.spec.ids().contains(wanted)).findFirst();
    }

    /** Every descriptor name, for messages that list what is accepted. */
    public static String knownIds() {
        return Stream.of(values()).flatMap(runtime -> runtime.spec.ids().stream()).collect(Collectors.joining(", "));
    }
}
