// The live worker panel: polls /system/workers once a second and updates the rows in place (a
// screen reader or a test holding a row keeps it; nothing flickers).

import { byId, el } from './dom.js';

const REFRESH_MILLIS = 1000;
const COLUMNS = ['worker', 'state', 'score', 'cpu', 'mem', 'io', 'inFlight', 'completed', 'rss'];
const LABELS = ['Worker', 'State', 'Score', 'CPU', 'Mem', 'IO', 'In flight', 'Completed', 'RSS'];
const rowsById = new Map();
let refreshTimer = null;

export function startWorkerPanel() {
  refreshWorkers();
  // a hidden tab skips the polls; coming back refreshes at once instead of showing stale figures
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) refreshWorkers();
  });
}

async function refreshWorkers() {
  try {
    if (!document.hidden) {
      const response = await fetch('/system/workers', { headers: { Accept: 'application/json' } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      renderWorkers(await response.json());
      byId('workers-updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
    }
  } catch (error) {
    byId('workers-updated').textContent = `not updating: ${error.message}`;
  } finally {
    // chained timeouts, not setInterval: a slow answer never piles up requests
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refreshWorkers, REFRESH_MILLIS);
  }
}

function renderWorkers(workers) {
  const seen = new Set();
  for (const worker of workers) {
    seen.add(worker.id);
    updateRow(rowFor(worker.id), worker);
  }
  for (const [id, row] of rowsById) {
    if (!seen.has(id)) {
      row.remove();
      rowsById.delete(id);
    }
  }
}

function rowFor(id) {
  if (!rowsById.has(id)) {
    const cells = COLUMNS.map((column, i) =>
      el('td', { 'data-col': column, 'data-label': LABELS[i], class: isNumeric(column) ? 'num' : null }));
    const row = el('tr', { 'data-test': 'worker-row', 'data-worker': id }, ...cells);
    byId('worker-rows').append(row);
    rowsById.set(id, row);
  }
  return rowsById.get(id);
}

function updateRow(row, w) {
  setCell(row, 'worker', `#${w.id} · pid ${w.pid}`);
  const state = row.querySelector('[data-col="state"]');
  state.className = w.ready ? 'state-ready' : 'state-down';
  state.textContent = (w.ready ? 'ready' : 'not ready') + (w.restarts ? ` · ${w.restarts} restarts` : '');
  setCell(row, 'score', fixed(w.score));
  setCell(row, 'cpu', `${fixed(w.cpu)} %`);
  setCell(row, 'mem', `${fixed(w.mem)} %`);
  setCell(row, 'io', `${fixed(w.io)} %`);
  setCell(row, 'inFlight', w.inFlight);
  setCell(row, 'completed', w.completed);
  setCell(row, 'rss', megabytes(w.rssBytes));
}

function setCell(row, column, text) {
  row.querySelector(`[data-col="${column}"]`).textContent = String(text);
}

function isNumeric(column) {
  return column !== 'worker' && column !== 'state';
}

function fixed(value) {
  return Number(value || 0).toFixed(1);
}

function megabytes(bytes) {
  return bytes ? `${(bytes / 1048576).toFixed(1)} MB` : '–';
}
