/**
 * The worker daemon's entry point and wiring: command-line options ({@link org.faasj.worker.WorkerConfig}),
 * the start/stop of the parts ({@link org.faasj.worker.Worker}) and the watch on the control plane's
 * stdin pipe that ends the worker when its parent is gone.
 */
package org.faasj.worker;
