/**
 * The worker daemons as the control plane sees them: the supervisor that starts, restarts and stops
 * the worker JVMs, one slot per worker with its hand-off link (the Unix socket that carries frames
 * and client descriptors out and completion acks back), and the health each one reports.
 */
package org.faasj.controlplane.workers;
