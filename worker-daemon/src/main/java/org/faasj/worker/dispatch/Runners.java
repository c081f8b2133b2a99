package org.faasj.worker.dispatch;

import java.util.EnumMap;
import java.util.Map;

import org.faasj.model.Runtime;
import org.faasj.worker.exec.FunctionRunner;

/** Which runner executes which runtime; every runtime must have one. */
public final class Runners {

    private final Map<Runtime, FunctionRunner> byRuntime;

    public Runners(Map<Runtime, FunctionRunner> byRuntime) {
        this.byRuntime = new EnumMap<>(byRuntime);
        for (Runtime runtime : Runtime.values()) {
            if (!this.byRuntime.containsKey(runtime)) {
                throw new IllegalArgumentException("no runner for runtime " + runtime);
            }
        }
    }

    public FunctionRunner forRuntime(Runtime runtime) {
        return byRuntime.get(runtime);
    }
}
