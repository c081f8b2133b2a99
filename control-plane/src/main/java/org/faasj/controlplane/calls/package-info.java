/**
 * Invocation records: one per call, from the worker that ran it (over the calls socket) or from the
 * gateway when no worker answered, fanned out to whoever keeps or counts them (the record store,
 * the function logs, the metrics). Owns the seam, not the keeping.
 */
package org.faasj.controlplane.calls;
