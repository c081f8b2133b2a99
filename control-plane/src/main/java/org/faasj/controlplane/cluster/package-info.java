/**
 * Cluster mode: what lets several nodes share one PostgreSQL store. A deploy stores the built
 * artifact by digest beside its version ({@link org.faasj.controlplane.cluster.SharedArtifacts}) and
 * announces the change; every node listens ({@link org.faasj.controlplane.cluster.ChangeListener}),
 * fetches artifacts it lacks and switches its in-memory routes. The node registry
 * ({@link org.faasj.controlplane.cluster.NodeRegistry}, {@code GET /system/nodes}) shows who is alive.
 * On the embedded store the same beans exist, doing nothing a single node does not need.
 */
package org.faasj.controlplane.cluster;
