/**
 * The client's side of an invocation: the adopted TCP descriptor ({@link org.faasj.worker.http.ClientConnection}),
 * the request body read from it without ever touching the next request, and the HTTP/1.1 response:
 * how every {@link org.faasj.worker.exec.Outcome} maps to a status and JSON body, and how it is written.
 */
package org.faasj.worker.http;
