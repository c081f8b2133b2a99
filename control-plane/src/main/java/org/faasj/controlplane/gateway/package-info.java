/**
 * The public HTTP acceptor. Non-blocking event loops accept client connections, parse each request
 * head by hand, look the route up and hand the client's socket descriptor to a worker; requests for
 * the platform itself (console, REST API, actuator) and async enqueues ({@code /async-function/...})
 * are relayed to Spring's loopback web server. Bad input is answered here with a JSON problem, never
 * passed on. A second, internal entry (a Unix socket in the run directory) lets the control plane run
 * calls it holds itself through the same loops ({@link org.faasj.controlplane.gateway.LocalCalls}).
 */
package org.faasj.controlplane.gateway;
