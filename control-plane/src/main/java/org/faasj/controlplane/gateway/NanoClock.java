package org.faasj.controlplane.gateway;

/**
 * Monotonic time in nanoseconds for every deadline the gateway keeps. Production uses
 * {@link System#nanoTime}; tests move time by hand instead of sleeping.
 */
@FunctionalInterface
interface NanoClock {

    NanoClock SYSTEM = System::nanoTime;

    long nanoTime();
}
