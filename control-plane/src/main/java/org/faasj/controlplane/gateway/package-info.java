/**
 * The public HTTP acceptor. Non-blocking event loops accept client connections, parse each request
 * head by hand, look the route up and hand the client's socket descriptor to a worker; requests for
 * the platform itself (console, REST API, actuator) are relayed to Spring's loopback web server.
 * Bad input is answered here with a JSON problem, never passed on.
 */
package org.faasj.controlplane.gateway;
