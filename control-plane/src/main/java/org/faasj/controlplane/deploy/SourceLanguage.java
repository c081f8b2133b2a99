package org.faasj.controlplane.deploy;

import java.util.Locale;
import java.util.Optional;

import org.faasj.model.Runtime;

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
    C("c", Runtime.NATIVE, "function.c", "module.bin"),
    CPP("cpp", Runtime.NATIVE, "function.cpp", "module.bin"),
    PHP("php", Runtime.PHP, "function.php", "function.php"),
    PYTHON("python", Runtime.PYTHON, "function.py", "function.py"),
    WASM("wasm", Runtime.WASM, "module.wasm", "module.wasm");

    static final String ALLOWED = "c, cpp, c++, php, python, wasm";

    private final String id;
    private final Runtime runtime;
    private final String sourceFile;
    private final String artifactFile;

    SourceLanguage(String id, Runtime runtime, String sourceFile, String artifactFile) {
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
            default -> Optional.empty();
        };
    }

    String id() {
        return id;
    }

    Runtime runtime() {
        return runtime;
    }

    String sourceFile() {
        return sourceFile;
    }

    String artifactFile() {
        return artifactFile;
    }
}
