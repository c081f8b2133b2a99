package org.faasj.worker.exec.process;

/**
 * Bounds of the warm pool.
 *
 * @param perFunction  ready processes kept per function (module, version, memory); 0 turns the pool off
 * @param total        ready processes kept by the worker over all functions
 * @param idleMillis   a ready process nobody took for this long is killed
 */
public record WarmPoolSettings(int perFunction, int total, long idleMillis) {

    public static final WarmPoolSettings OFF = new WarmPoolSettings(0, 0, 1);

    public boolean enabled() {
        return perFunction > 0 && total > 0;
    }
}
