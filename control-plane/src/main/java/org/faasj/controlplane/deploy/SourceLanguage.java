package org.faasj.controlplane.deploy;

import java.util.Locale;
import java.util.Optional;

import org.faasj.model.FunctionRuntime;

/**
 * What a descriptor's {@code runtime} names: the language of the upload, how it becomes an artifact
 * and which runtime executes that artifact. File names are fixed here; an uploaded file's own name
 * is never used as a path.
 *
 * @param id            as written in descriptors
 * @param runtime       what the worker runs
 * @param sourceFile    name the upload is written under in the build directory
 * @param artifactFile  name of the artifact in the version directory
 */
enum SourceLanguage {
    C("c", FunctionRuntime.NATIVE, "function.c", "module.bin"),
    CPP("cpp", FunctionRuntime.NATIVE, "function.cpp", "module.bin"),
    PHP("php", FunctionRuntime.PHP, "function.php", "function.php"),
    PYTHON("python", FunctionRuntime.PYTHON, "function.py", "function.py"),
    WASM("wasm", FunctionRuntime.WASM, "module.wasm", "module.wasm"),
    /** C with {@code "target": "wasm"}: clang for wasm32-wasi, run by the worker's WASM runtime. */
    C_WASM("c", FunctionRuntime.WASM, "function.c", "module.wasm"),
    /** Rust is only built for WASI (rustc --target wasm32-wasip1). */
    RUST("rust", FunctionRuntime.WASM, "function.rs", "module.wasm"),
    /** Go through TinyGo, for WASI. */
    GO("go", FunctionRuntime.WASM, "function.go", "module.wasm");

    static final String ALLOWED = "c, cpp, c++, php, python, wasm, rust, go, tinygo";

    private final String id;
    private final FunctionRuntime runtime;
    private final String sourceFile;
    private final String artifactFile;

    SourceLanguage(String id, FunctionRuntime runtime, String sourceFile, String artifactFile) {
        this.id = id;
        this.runtime = runtime;
        this.sourceFile = sourceFile;
        this.artifactFile = artifactFile;
    }

    static Optional<SourceLanguage> fromId(String id) {
        return switch (id.toLowerCase(Locale.ROOT)) {
            case "c" -> Optional.of(C);
            case "cpp", "c++" -> Optional.of(CPP);
            case "php" -> Optional.of(PHP);
            case "python" -> Optional.of(PYTHON);
            case "wasm" -> Optional.of(WASM);
            case "rust" -> Optional.of(RUST);
            case "go", "tinygo" -> Optional.of(GO);
            default -> Optional.empty();
        };
    }

    /** The same language built for WASI, or empty when this platform cannot build it for WASM. */
    Optional<SourceLanguage> forWasm() {
        return switch (this) {
            case C, C_WASM -> Optional.of(C_WASM);
            case WASM, RUST, GO -> Optional.of(this);
            case CPP, PHP, PYTHON -> Optional.empty();
        };
    }

    String id() {
        return id;
    }

    FunctionRuntime runtime() {
        return runtime;
    }

    String sourceFile() {
        return sourceFile;
    }

    String artifactFile() {
        return artifactFile;
    }
}
