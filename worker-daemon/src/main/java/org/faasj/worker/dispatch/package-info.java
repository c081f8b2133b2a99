/**
 * From a received frame to a finished request: the bounded execution pool (503 when full), picking
 * the runner for the frame's runtime, writing the response and acknowledging the frame to the gateway.
 */
package org.faasj.worker.dispatch;
