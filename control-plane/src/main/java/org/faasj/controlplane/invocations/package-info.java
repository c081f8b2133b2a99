/**
 * Invocation records kept and counted: the record store ({@code <data-dir>/calls.db}, capped per
 * function by count and age), the per-function rolling statistics (from every record, not the
 * capped store), and the read API over both ({@code /system/functions/{name}/invocations},
 * {@code /system/calls/{id}}, {@code /system/functions/{name}/stats}).
 */
package org.faasj.controlplane.invocations;
