// The stats block of the calls panel: calls, errors, p50 and p99 of the last five minutes
// (GET /system/functions/{name}/stats) as figures and as the live chart.

import { byId } from './dom.js';
import { getAdminJson } from './api.js';
import { drawChart } from './chart.js';
import { millis } from './units.js';

export const WINDOW_SECONDS = 300;

/** Fetches the stats; the caller renders them only if the function is still the one shown. */
export function fetchStats(name) {
  return getAdminJson(`/system/functions/${encodeURIComponent(name)}/stats?window=${WINDOW_SECONDS}`);
}

export function renderStats(stats) {
  byId('stat-calls').textContent = String(stats.calls ?? 0);
  byId('stat-errors').textContent = String(stats.errors ?? 0);
  byId('stat-errors').classList.toggle('has-errors', (stats.errors ?? 0) > 0);
  byId('stat-p50').textContent = millis(stats.p50Ms);
  byId('stat-p99').textContent = millis(stats.p99Ms);
  const { busiest, peakP99 } = drawChart(byId('stats-chart'), stats);
  byId('chart-calls-scale').textContent = `up to ${busiest}`;
  byId('chart-p99-scale').textContent = peakP99 > 0 ? `up to ${millis(peakP99)}` : 'none yet';
}

export function clearStats() {
  for (const id of ['stat-calls', 'stat-errors', 'stat-p50', 'stat-p99']) byId(id).textContent = '–';
  byId('stat-errors').classList.remove('has-errors');
  byId('stats-chart').replaceChildren();
  byId('stats-chart').setAttribute('aria-label', 'No figures loaded yet.');
  byId('chart-calls-scale').textContent = '';
  byId('chart-p99-scale').textContent = '';
}
