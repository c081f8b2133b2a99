/**
 * The client of {@code faas-spawn} (src/main/c/faas-spawn.c), the worker's fork server: one
 * long-lived C process that forks every function process, so the JVM never starts one itself.
 * {@link org.faasj.worker.spawn.Spawner} owns the server's life cycle and the one connection to it;
 * {@link org.faasj.worker.spawn.SpawnProtocol} is the wire format, documented in worker-daemon/README.md.
 */
package org.faasj.worker.spawn;
