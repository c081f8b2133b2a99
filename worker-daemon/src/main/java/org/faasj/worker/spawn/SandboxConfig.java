package org.faasj.worker.spawn;

/**
 * The fork server's sandbox, fixed for its life.
 *
 * @param mode     on, off, or refused (see {@link SandboxMode})
 * @param uidBase  first uid of this worker's range: each live process gets one of its own (as root)
 * @param uidCount size of the range: most sandboxed processes alive at once
 * @param memoryMb memory cgroup limit of all the worker's function processes together (0: none)
 */
public record SandboxConfig(SandboxMode mode, long uidBase, int uidCount, long memoryMb) {

    public static final SandboxConfig OFF = new SandboxConfig(SandboxMode.OFF, 0, 1, 0);

    public SandboxConfig {
        if (uidCount <= 0 || uidCount > 65536) {
            throw new IllegalArgumentException("--sandbox-uid-count must be 1..65536");
        }
        if (uidBase < 0 || uidBase + uidCount > 0xFFFF_FFFEL) {
            throw new IllegalArgumentException("--sandbox-uid-base out of range");
        }
        if (memoryMb < 0) {
            throw new IllegalArgumentException("--sandbox-memory-mb must not be negative");
        }
    }

    public boolean on() {
        return mode == SandboxMode.ON;
    }
}
