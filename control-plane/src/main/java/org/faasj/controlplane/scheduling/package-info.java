/**
 * Which worker gets the next request: the receiver of the workers' load datagrams and the picker
 * that combines each worker's score with the requests the gateway has in flight on it; and whether
 * a call may run yet: per-function concurrency limits with their wait queues.
 */
package org.faasj.controlplane.scheduling;
