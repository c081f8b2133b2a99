/**
 * Invocation records kept and counted: the record store, the per-function rolling statistics (from
 * every record, not the capped store), and the read API over both
 * ({@code /system/functions/{name}/invocations}, {@code /system/calls/{id}},
 * {@code /system/functions/{name}/stats}). The store is a {@link org.faasj.controlplane.invocations.RecordStore}:
 * on one node {@code <data-dir>/calls.db} (stderr goes to the function logs only); in cluster mode the
 * shared database's {@code invocations} table, where each record also names the node that ran it and
 * keeps the first 8 KiB of its stderr, so any node shows any call with its log lines. Either way
 * capped per function by count and age, and fed by one writer thread in batches. The statistics stay
 * per node.
 */
package org.faasj.controlplane.invocations;
