/**
 * Handler mode: long-lived PHP and Python processes that load a function's module once and call
 * its handler per request. Owns the pipe protocol between the worker and such a process
 * ({@link org.faasj.worker.handler.HandlerProtocol}), the bootstraps that speak it inside the
 * process (resources {@code handler/}), the per function version pools of processes and the
 * runner that routes a handler-mode frame through them. Process mode ({@code exec}) is untouched.
 */
package org.faasj.worker.handler;
