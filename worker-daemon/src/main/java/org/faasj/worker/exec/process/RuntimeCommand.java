package org.faasj.worker.exec.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.faasj.model.HandoffFrame;
import org.faasj.model.RuntimeSpec;
import org.faasj.worker.exec.ExecSettings;

/** The program and arguments that run a module in process mode, built from the runtime's spec. */
final class RuntimeCommand {

    private RuntimeCommand() {
    }

    /** The interpreter to look up on PATH, empty for modules that run by themselves. */
    static Optional<String> interpreter(RuntimeSpec spec) {
        return Optional.ofNullable(spec.interpreter());
    }

    /** The fork server does not search PATH: the program is always an absolute path. */
    static List<String> program(HandoffFrame frame, Path interpreter, ExecSettings settings) {
        RuntimeSpec spec = frame.runtime().spec();
        String module = settings.modulePathSeenByProcess(frame.modulePath());
        return switch (spec.launch()) {
            case EXECUTABLE -> List.of(module);
            case INTERPRETER -> {
                List<String> argv = new ArrayList<>();
                argv.add(interpreter.toString());
                argv.addAll(spec.memoryArgs(frame.memoryMb()));
                if (spec.warmPool()) {
                    // the prelude gives a started-ahead script its request's environment (see faas-prelude.php)
                    argv.addAll(List.of("-d", "auto_prepend_file=" + settings.phpPrelude()));
                }
                argv.add(module);
                yield List.copyOf(argv);
            }
            case IN_WORKER -> throw new IllegalArgumentException(spec.id() + " modules do not run as processes");
        };
    }
}
