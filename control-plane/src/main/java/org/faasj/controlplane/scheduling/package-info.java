/**
 * Which worker gets the next request: the receiver of the workers' load datagrams and the picker
 * that combines each worker's score with the requests the gateway has in flight on it.
 */
package org.faasj.controlplane.scheduling;
