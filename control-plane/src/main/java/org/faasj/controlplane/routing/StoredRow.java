package org.faasj.controlplane.routing;

/**
 * One row of {@code functions} exactly as stored, before any validation.
 *
 * @param key     {@code METHOD:/path}
 * @param json    the descriptor JSON
 * @param updated Unix seconds of the last write
 */
public record StoredRow(String key, String json, long updated) {
}
