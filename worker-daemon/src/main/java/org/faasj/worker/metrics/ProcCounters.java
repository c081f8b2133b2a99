package org.faasj.worker.metrics;

/**
 * One reading of the cumulative counters the load report is derived from.
 *
 * @param nanoTime  when it was taken
 * @param cpuTicks  user+system clock ticks of the worker, its reaped children and its live descendants
 * @param rssBytes  resident memory of the worker plus its live descendants
 * @param ioBytes   bytes read and written by the worker (rchar + wchar)
 */
public record ProcCounters(long nanoTime, long cpuTicks, long rssBytes, long ioBytes) {
}
