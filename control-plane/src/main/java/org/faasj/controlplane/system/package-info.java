/**
 * Cross-cutting set-up: the {@code faas.*} configuration, the data directory (private to the
 * platform's user, locked to one control plane) and the SQLite data source. Nothing
 * request-specific lives here.
 */
package org.faasj.controlplane.system;
