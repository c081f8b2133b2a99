/**
 * Running one function invocation, whatever runs it: the {@link org.faasj.worker.exec.FunctionRunner}
 * interface every execution model implements (process mode in {@code exec.process}, WASM in
 * {@code exec.wasm}, handler mode in {@code worker.handler}), its input ({@link org.faasj.worker.exec.Invocation},
 * the body as it arrives, {@link org.faasj.worker.exec.BodyPumps}), its result
 * ({@link org.faasj.worker.exec.Outcome}, the output budget and capture, the call's trace for its
 * record), and what the models share: the CGI environment, the interpreter lookup on the functions'
 * PATH and the worker's exec settings. Nothing here knows HTTP: turning an outcome into a response is
 * the http package's job.
 */
package org.faasj.worker.exec;
