/**
 * Invocation records on their way out: the bounded queue every finished call's record goes into
 * and the one thread that sends them to the control plane's calls socket in datagram batches.
 * Owns the transport, not the records' content (that is the dispatcher's).
 */
package org.faasj.worker.records;
