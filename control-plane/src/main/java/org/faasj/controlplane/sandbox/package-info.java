/**
 * Isolation of everything the platform starts: finding out at start what the host allows (a probe
 * of the fork server faas-spawn), saying so in {@code /actuator/health}, telling the workers whether
 * to sandbox, refuse or run unisolated, and wrapping build tools in the same sandbox. The sandbox
 * itself is C, in worker-daemon/src/main/c/sandbox.c.
 */
package org.faasj.controlplane.sandbox;
