// The nodes panel: in cluster mode (a shared PostgreSQL store) the nodes of GET /system/nodes with
// their heartbeats, refreshed every few seconds; on the embedded store just "single node". Which
// mode it is comes from the anonymous store health (its "database" detail), so a visitor without
// the token still learns whether there is a cluster, and only the list itself needs the token.

import { byId, el } from './dom.js';
import { getAdminJson, getJson } from './api.js';
import { onTokenSaved, requestToken } from './token.js';

const REFRESH_MILLIS = 3000;
const COLUMNS = ['id', 'address', 'version', 'started', 'heartbeat', 'alive', 'workers', 'inFlight'];
const LABELS = ['Node', 'Address', 'Version', 'Started', 'Last heartbeat', 'Alive', 'Workers', 'In flight'];

let refreshTimer = null;

export function startNodePanel() {
  byId('nodes-token-enter').addEventListener('click', () => requestToken('The nodes panel needs the admin token.'));
  onTokenSaved(() => refreshNodes());
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) refreshNodes();
  });
  refreshNodes();
}

async function refreshNodes() {
  clearTimeout(refreshTimer);
  try {
    if (!document.hidden) await showMode();
  } catch (error) {
    byId('nodes-updated').textContent = `not updating: ${error.message}`;
  } finally {
    refreshTimer = setTimeout(refreshNodes, REFRESH_MILLIS);
  }
}

async function showMode() {
  const database = await storeDatabase();
  const clustered = database === 'postgres';
  byId('nodes-mode').textContent = clustered ? 'Cluster mode: nodes share one PostgreSQL store.'
    : `Single node (embedded ${database === 'sqlite' ? 'SQLite' : database || 'local'} store).`;
  byId('nodes-mode').setAttribute('data-mode', clustered ? 'cluster' : 'single');
  byId('nodes-table').hidden = !clustered;
  if (!clustered) {
    byId('nodes-token').hidden = true;
    return;
  }
  try {
    renderNodes(await getAdminJson('/system/nodes'));
    byId('nodes-token').hidden = true;
    byId('nodes-updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    if (!error.needsToken) throw error;
    byId('nodes-token').hidden = false;
    byId('nodes-table').hidden = true;
  }
}

/** The store health answers everyone (like the rest of /actuator/health); a DOWN store still names its database. */
async function storeDatabase() {
  try {
    return (await getJson('/actuator/health/store'))?.details?.database;
  } catch (error) {
    return error.problem?.details?.database;
  }
}

function renderNodes(nodes) {
  const rows = nodes.map((node) => {
    const cells = COLUMNS.map((column, i) =>
      el('td', { 'data-col': column, 'data-label': LABELS[i], class: cellClass(column, node) }, cellText(column, node)));
    return el('tr', { 'data-test': 'node-row', 'data-node': node.id }, ...cells);
  });
  byId('node-rows').replaceChildren(...rows);
}

function cellText(column, node) {
  switch (column) {
    case 'id': return node.self ? `${node.id} (this node)` : node.id;
    case 'started':
    case 'heartbeat': return node[column] ? new Date(node[column]).toLocaleString() : '–';
    case 'alive': return node.alive ? 'alive' : 'silent';
    default: return node[column] ?? '–';
  }
}

function cellClass(column, node) {
  if (column === 'alive') return node.alive ? 'state-ready' : 'state-down';
  return column === 'workers' || column === 'inFlight' ? 'num' : null;
}
