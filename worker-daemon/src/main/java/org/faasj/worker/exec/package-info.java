/**
 * Running one function invocation: the {@link org.faasj.worker.exec.FunctionRunner} interface every
 * runtime implements, its result ({@link org.faasj.worker.exec.Outcome}), and the process-based runner
 * with what it needs (starting through the faas-spawn fork server, the CGI environment and the PHP
 * prelude that receives it, the warm pool of PHP processes, the interpreter lookup, killing a process
 * tree), and the in-process WASM runner (modules compiled once, instances reused and reset per call,
 * the memory budget). Nothing here knows HTTP: turning an outcome into a response is the http package's job.
 */
package org.faasj.worker.exec;
