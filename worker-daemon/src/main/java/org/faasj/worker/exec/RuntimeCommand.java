package org.faasj.worker.exec;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.faasj.model.HandoffFrame;
import org.faasj.model.FunctionRuntime;

/** The program and arguments that run a module, per runtime, and where a missing interpreter comes from. */
final class RuntimeCommand {

    private RuntimeCommand() {
    }

    /** The interpreter to look up on PATH, empty for modules that run by themselves. */
    static Optional<String> interpreter(FunctionRuntime runtime) {
        return switch (runtime) {
            case PHP -> Optional.of("php");
            case PYTHON -> Optional.of("python3");
            case NATIVE, WASM -> Optional.empty();
        };
    }

    /** The fork server does not search PATH: the program is always an absolute path. */
    static List<String> program(HandoffFrame frame, Path interpreter, ExecSettings settings) {
        String module = settings.modulePathSeenByProcess(frame.modulePath());
        Path phpPrelude = settings.phpPrelude();
        return switch (frame.runtime()) {
            // php's own limit gives a readable "Allowed memory size exhausted" before the rlimit hits;
            // the prelude gives the script its request's environment (see faas-prelude.php)
            case PHP -> List.of(interpreter.toString(), "-d", "memory_limit=" + frame.memoryMb() + "M",
                    "-d", "auto_prepend_file=" + phpPrelude, module);
            case PYTHON -> List.of(interpreter.toString(), module);
            case NATIVE -> List.of(module);
            case WASM -> throw new IllegalArgumentException("wasm modules do not run as processes");
        };
    }

    static String debianPackage(FunctionRuntime runtime) {
        return switch (runtime) {
            case PHP -> "php-cli";
            case PYTHON -> "python3";
            default -> "none";
        };
    }
}
