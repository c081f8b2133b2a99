/**
 * Durable async calls: {@code /async-function/<route>} stores the request in {@code async.db} (in
 * cluster mode the shared PostgreSQL database, where any node takes any call) and answers 202; a dispatcher runs stored calls through the gateway's normal path
 * ({@code gateway.LocalCalls}) with retries, keeps their results for a while and POSTs them to a
 * callback URL. At-least-once: a call that was running when the control plane died runs again
 * (in cluster mode on another node, once the dead node's lease on it has run out).
 */
package org.faasj.controlplane.async;
