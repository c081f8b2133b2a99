/**
 * Cross-cutting set-up: the {@code faas.*} configuration, the data directory and the SQLite
 * data source. Nothing request-specific lives here.
 */
package org.faasj.controlplane.system;
