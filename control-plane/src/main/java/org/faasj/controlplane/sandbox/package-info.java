/**
 * Isolation of everything the platform starts: finding out at start what the host allows (a probe
 * of the fork server faas-spawn), saying so in {@code /actuator/health}, telling the workers whether
 * to sandbox, refuse or run unisolated, wrapping build tools in the same sandbox, and keeping
 * functions off the host's own addresses with a firewall rule (LoopbackGuard). The sandbox
 * itself is C, in worker-daemon/src/main/c/sandbox.c.
 */
package org.faasj.controlplane.sandbox;
