/**
 * What the control plane and the worker daemons both speak, and nothing else: the function
 * descriptor, the hand-off frame that travels with a client's socket descriptor, the completion
 * acknowledgement a worker sends back, the metrics datagram and the score model that turns it
 * into a scheduling number, and the worker's command-line options ({@link org.faasj.model.WorkerOption}).
 * Plain Java, no dependencies, so the worker stays small.
 */
package org.faasj.model;
