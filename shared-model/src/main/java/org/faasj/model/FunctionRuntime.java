package org.faasj.model;

import java.util.Locale;
import java.util.Optional;

/** How a worker executes a function's artifact. Source languages are compiled to one of these at deploy. */
public enum FunctionRuntime {
    /** {@code php <module>}: the interpreter reads the body on stdin. */
    PHP,
    /** A compiled executable (from C or C++), started directly. */
    NATIVE,
    /** {@code python3 <module>}. */
    PYTHON,
    /** A WASI preview1 command module, run inside the worker. */
    WASM;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the descriptor's runtime name; {@code c}, {@code cpp} and {@code c++} name native code. */
    public static Optional<FunctionRuntime> fromId(String id) {
        if (id == null) {
            return Optional.empty();
        }
        return switch (id.toLowerCase(Locale.ROOT)) {
            case "php" -> Optional.of(PHP);
            case "native", "c", "cpp", "c++" -> Optional.of(NATIVE);
            case "python", "python3" -> Optional.of(PYTHON);
            case "wasm" -> Optional.of(WASM);
            default -> Optional.empty();
        };
    }
}
