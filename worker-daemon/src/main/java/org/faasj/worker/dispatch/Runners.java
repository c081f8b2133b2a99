package org.faasj.worker.dispatch;

import java.util.EnumMap;
import java.util.Map;

import org.faasj.model.ExecutionMode;
import org.faasj.model.FunctionRuntime;
import org.faasj.model.HandoffFrame;
import org.faasj.worker.exec.FunctionRunner;
import org.faasj.worker.exec.Outcome;

/**
 * Which runner executes which runtime; every runtime must have one. Handler-mode frames (PHP and
 * Python functions deployed with {@code "mode": "handler"}) go to the handler runner instead.
 */
public final class Runners {

    private static final FunctionRunner NO_HANDLER_MODE =
            invocation -> new Outcome.Unavailable("handler mode is not available on this worker");

    private final Map<FunctionRuntime, FunctionRunner> byRuntime;
    private final FunctionRunner handlers;

    /** Runners without handler mode (tests): such frames get 503. */
    public Runners(Map<FunctionRuntime, FunctionRunner> byRuntime) {
        this(byRuntime, NO_HANDLER_MODE);
    }

    public Runners(Map<FunctionRuntime, FunctionRunner> byRuntime, FunctionRunner handlers) {
        this.byRuntime = new EnumMap<>(byRuntime);
        this.handlers = handlers;
        for (FunctionRuntime runtime : FunctionRuntime.values()) {
            if (!this.byRuntime.containsKey(runtime)) {
                throw new IllegalArgumentException("no runner for runtime " + runtime);
            }
        }
    }

    public FunctionRunner forRuntime(FunctionRuntime runtime) {
        return byRuntime.get(runtime);
    }

    /** The control plane only lets handler-capable runtimes run in handler mode; anything else runs as before. */
    public FunctionRunner forFrame(HandoffFrame frame) {
        boolean handlerMode = frame.mode() == ExecutionMode.HANDLER && frame.runtime().spec().handlerMode();
        return handlerMode ? handlers : byRuntime.get(frame.runtime());
    }
}
