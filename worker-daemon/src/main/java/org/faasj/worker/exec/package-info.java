/**
 * Running one function invocation: the {@link org.faasj.worker.exec.FunctionRunner} interface every
 * runtime implements, its result ({@link org.faasj.worker.exec.Outcome}), and the process-based runner
 * with what it needs (the faas-limit launcher, the CGI environment, the interpreter lookup, killing a
 * process tree). Nothing here knows HTTP: turning an outcome into a response is the http package's job.
 */
package org.faasj.worker.exec;
