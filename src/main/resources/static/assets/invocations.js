// Recent invocations of the shown function (GET /system/functions/{name}/invocations), newest
// first, optionally errors only; choosing one shows its whole record and its stderr lines
// (GET /system/calls/{callId}). Call ids and log lines are the caller's and the function's text,
// so they only ever go in as textContent.

import { byId, el } from './dom.js';
import { getAdminJson } from './api.js';
import { clockTime, millis, orDash } from './units.js';

const LIMIT = 50;
let shownSignature = '';
let chosenCallId = null;

export function initInvocations(filterChanged) {
  byId('invocations-filter').addEventListener('change', filterChanged);
}

export function fetchInvocations(name) {
  const filter = byId('invocations-filter').value;
  const query = filter ? `&status=${encodeURIComponent(filter)}` : '';
  return getAdminJson(`/system/functions/${encodeURIComponent(name)}/invocations?limit=${LIMIT}${query}`);
}

/** Re-renders only when the list changed, so a poll does not take focus or a hovered row away. */
export function renderInvocations(answer) {
  const records = answer.invocations || [];
  const signature = JSON.stringify([byId('invocations-filter').value, ...records.map((r) => [r.callId, r.startedAt, r.status])]);
  if (signature === shownSignature) return;
  shownSignature = signature;
  byId('invocation-rows').replaceChildren(...records.map(invocationRow));
  byId('invocations-empty').hidden = records.length > 0;
  byId('invocations-empty').textContent = byId('invocations-filter').value ? 'No calls match the filter.' : 'No calls yet.';
}

export function clearInvocations() {
  shownSignature = '';
  chosenCallId = null;
  byId('invocation-rows').replaceChildren();
  byId('invocations-empty').hidden = true;
  byId('call-detail').hidden = true;
  byId('call-detail').replaceChildren();
}

function invocationRow(record) {
  const failed = record.outcome !== 'ok';
  const open = el('button', { type: 'button', class: 'link mono', 'data-test': 'open-call',
    'aria-label': `Show call ${record.callId}` }, record.callId);
  open.addEventListener('click', () => showCall(record.callId));
  const classes = [failed ? 'failed' : null, record.callId === chosenCallId ? 'selected' : null].filter(Boolean);
  const row = el('tr', { 'data-test': 'invocation-row', 'data-call-id': record.callId, class: classes.join(' ') || null },
    el('td', { title: record.startedAt, 'data-label': 'Time' }, clockTime(record.startedAt)),
    el('td', { class: 'num', 'data-label': 'Status' }, record.status),
    el('td', { class: failed ? 'outcome-bad' : 'outcome-ok', 'data-label': 'Outcome' }, record.outcome),
    el('td', { class: 'num', 'data-label': 'Duration' }, millis(record.durationMs)),
    el('td', { 'data-label': 'Start' }, record.coldStart ? 'cold' : 'warm'),
    el('td', { class: 'wide-cell', 'data-label': 'Call id' }, open));
  // the whole row is a target for the mouse; the button is the one for the keyboard
  row.addEventListener('click', (event) => {
    if (event.target !== open) showCall(record.callId);
  });
  return row;
}

async function showCall(callId) {
  chosenCallId = callId;
  for (const row of byId('invocation-rows').children) {
    row.classList.toggle('selected', row.dataset.callId === callId);
  }
  const detail = byId('call-detail');
  detail.hidden = false;
  detail.replaceChildren(el('p', { class: 'muted' }, `Loading call ${callId}…`));
  try {
    const call = await getAdminJson(`/system/calls/${encodeURIComponent(callId)}`);
    if (chosenCallId === callId) detail.replaceChildren(...callView(call));
  } catch (error) {
    if (chosenCallId === callId) {
      detail.replaceChildren(el('p', { class: 'bad', 'data-test': 'call-error' }, `Could not load call ${callId}: ${error.message}`));
    }
  }
}

function callView(call) {
  const fields = [
    ['Call id', call.callId], ['Function', `${call.function} v${call.version}`], ['Started', `${clockTime(call.startedAt)} (${call.startedAt})`],
    ['Status', call.status], ['Outcome', call.outcome], ['Exit code', orDash(call.exitCode)],
    ['Duration', millis(call.durationMs)], ['Queue wait', millis(call.queueWaitMs)], ['Start', call.coldStart ? 'cold' : 'warm'],
    ['CPU', millis(call.cpuMs)], ['Peak RSS', orDash(call.peakRssKb, ' KB')], ['Worker', orDash(call.worker)],
  ];
  if (call.node) { // cluster mode: the node that ran it (worker numbers are per node)
    fields.push(['Node', call.node]);
  }
  const list = el('dl', { class: 'record', 'data-test': 'call-record' },
    ...fields.map(([name, value]) => el('div', {}, el('dt', {}, name), el('dd', {}, value))));
  const lines = call.logs || [];
  const logs = lines.length
    ? el('pre', { class: 'call-logs', 'data-test': 'call-logs' }, lines.map((line) => line.text).join('\n'))
    : el('p', { class: 'muted', 'data-test': 'call-logs' }, 'This call wrote nothing to stderr.');
  return [el('h3', { id: 'call-detail-heading' }, `Call ${call.callId}`), list, el('h4', {}, 'Its stderr'), logs];
}
