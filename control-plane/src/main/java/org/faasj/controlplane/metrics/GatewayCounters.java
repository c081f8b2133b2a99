package org.faasj.controlplane.metrics;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import java.util.function.IntSupplier;

import org.faasj.controlplane.system.FaasProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The gateway's counters, handed to its event loops: one {@link LoopCounters} per loop index and
 * one {@link FunctionLoad} per function name. With {@code faas.metrics.enabled=false} every counter
 * here ignores its calls after one check of a final boolean, and functions all share one inert load.
 */
@Component
public class GatewayCounters {

    /** Non-capturing, so {@code computeIfAbsent} allocates no lambda per call. */
    private static final Function<String, FunctionLoad> NEW_LOAD = name -> new FunctionLoad(true);

    private final boolean enabled;
    private final ConcurrentMap<Integer, LoopCounters> loops = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, FunctionLoad> functions = new ConcurrentHashMap<>();
    private volatile IntSupplier connectionsOpen = () -> 0;

    @Autowired
    public GatewayCounters(FaasProperties properties) {
        this(properties.metrics().enabled());
    }

    public GatewayCounters(boolean enabled) {
        this.enabled = enabled;
    }

    /** Counts nothing (tests of the gateway). */
    public static GatewayCounters disabled() {
        return new GatewayCounters(false);
    }

    public boolean enabled() {
        return enabled;
    }

    /** The counters of loop {@code index}; the same instance for a loop that replaces a dead one. */
    public LoopCounters forLoop(int index) {
        return enabled ? loops.computeIfAbsent(index, i -> new LoopCounters(true)) : LoopCounters.disabled();
    }

    /**
     * The load of this function, made on its first call. A hash lookup on the hot path; a function
     * whose meters were swept away after its deletion starts from zero if it comes back.
     */
    public FunctionLoad function(String name) {
        if (!enabled) {
            return FunctionLoad.NONE;
        }
        FunctionLoad load = functions.get(name);
        return load != null ? load : functions.computeIfAbsent(name, NEW_LOAD);
    }

    /** The gateway says where its open connection count is. */
    public void connectionsOpen(IntSupplier open) {
        connectionsOpen = open;
    }

    int connectionsOpen() {
        return connectionsOpen.getAsInt();
    }

    List<LoopCounters> loops() {
        return List.copyOf(loops.values());
    }

    /** The load of a function, if it has one (the scrape side: never creates). */
    FunctionLoad existing(String name) {
        return functions.get(name);
    }

    /** Forgets a deleted function's load. */
    void forget(String name) {
        functions.remove(name);
    }

    Iterable<String> functionNames() {
        return List.copyOf(functions.keySet());
    }
}
