/**
 * The Unix stream socket the gateway hands clients over on: accepting gateway connections, reading
 * length-prefixed {@link org.faasj.model.HandoffFrame}s with the client descriptor that travels with
 * each, and writing {@link org.faasj.model.CompletionAck}s back on the same connection.
 */
package org.faasj.worker.handoff;
