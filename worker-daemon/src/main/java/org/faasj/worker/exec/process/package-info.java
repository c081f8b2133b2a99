/**
 * Process mode: a sandboxed process per call, started through the faas-spawn fork server
 * ({@link org.faasj.worker.exec.process.ProcessRunner}, {@link org.faasj.worker.exec.process.ProcessStarter}).
 * Owns the argv built from the runtime's spec, the launch plan with its limits and environment, the
 * warm pool of started-ahead processes and the PHP prelude that hands them their request, the CPU
 * gate for interpreter starts (with the /proc state it reads), and killing a call's process tree.
 */
package org.faasj.worker.exec.process;
