/**
 * Durable async calls: {@code /async-function/<route>} stores the request in {@code async.db} and
 * answers 202; a dispatcher runs stored calls through the gateway's normal path
 * ({@code gateway.LocalCalls}) with retries, keeps their results for a while and POSTs them to a
 * callback URL. At-least-once: a call that was running when the control plane died runs again.
 */
package org.faasj.controlplane.async;
