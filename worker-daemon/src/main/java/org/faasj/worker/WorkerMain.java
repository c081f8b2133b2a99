package org.faasj.worker;

/** Placeholder entry point; the worker daemon is being built. */
public final class WorkerMain {
    public static void main(String[] args) {
        throw new UnsupportedOperationException("worker daemon not built yet");
    }
}
