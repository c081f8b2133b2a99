// The async calls of the shown function (GET /system/functions/{name}/async-calls): how many are in
// each state, how long the oldest queued one has waited, and the newest calls, optionally of one
// state. A queued call can be cancelled (DELETE /system/calls/{id}) after a second click, as a
// rollback or a delete asks. Call ids and errors are the caller's and the function's text: only
// ever textContent.

import { byId, el, showMessage } from './dom.js';
import { getAdminJson, send } from './api.js';
import { clockTime } from './units.js';

const LIMIT = 50;
const STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];
let shownSignature = '';
let latest = null; // the last answer, so a confirm step can draw the rows again without a fetch
let confirming = null; // the call id whose Cancel button asks "Really cancel?" now
let afterCancel = () => {};

/** filterChanged runs when the state filter changes; cancelled runs after a cancel, to poll again at once. */
export function initAsyncCalls(filterChanged, cancelled) {
  byId('async-filter').addEventListener('change', filterChanged);
  afterCancel = cancelled;
}

export function fetchAsyncCalls(name) {
  const state = byId('async-filter').value;
  const query = state ? `&state=${encodeURIComponent(state)}` : '';
  return getAdminJson(`/system/functions/${encodeURIComponent(name)}/async-calls?limit=${LIMIT}${query}`);
}

/** The counts always; the rows only when they changed, so a poll does not undo a pending confirm or take focus. */
export function renderAsyncCalls(answer) {
  if (answer.problem) {
    showMessage(byId('async-message'), 'bad', `Could not load the async calls: ${answer.problem.message}`, 'async-error');
    return;
  }
  byId('async-message').querySelector('[data-test="async-error"]')?.remove();
  latest = answer;
  const counts = answer.counts || {};
  for (const state of STATES) {
    byId(`async-count-${state}`).textContent = String(counts[state] ?? 0);
  }
  byId('async-count-failed').classList.toggle('has-failed', (counts.failed ?? 0) > 0);
  byId('async-oldest').textContent = age(answer.oldestQueuedAgeSeconds);
  byId('async-oldest').title = answer.oldestQueuedAt || '';
  const calls = answer.calls || [];
  const signature = JSON.stringify([byId('async-filter').value, confirming,
    ...calls.map((c) => [c.callId, c.state, c.attempts, c.result?.status ?? null])]);
  if (signature === shownSignature) return;
  shownSignature = signature;
  if (confirming && !calls.some((c) => c.callId === confirming && c.state === 'queued')) confirming = null;
  byId('async-rows').replaceChildren(...calls.map(callRow));
  byId('async-empty').hidden = calls.length > 0;
  byId('async-empty').textContent = byId('async-filter').value ? 'No async calls in this state.' : 'No async calls kept.';
}

export function clearAsyncCalls() {
  shownSignature = '';
  latest = null;
  confirming = null;
  for (const state of STATES) byId(`async-count-${state}`).textContent = '–';
  byId('async-count-failed').classList.remove('has-failed');
  byId('async-oldest').textContent = '–';
  byId('async-rows').replaceChildren();
  byId('async-empty').hidden = true;
  byId('async-message').replaceChildren();
}

function callRow(call) {
  return el('tr', { 'data-test': 'async-row', 'data-call-id': call.callId, 'data-state': call.state },
    el('td', { title: call.enqueuedAt || '', 'data-label': 'Enqueued' }, clockTime(call.enqueuedAt)),
    el('td', { class: `state-${call.state}`, 'data-test': 'async-state', 'data-label': 'State' }, call.state),
    el('td', { class: 'num', 'data-label': 'Attempts' }, `${call.attempts} / ${call.maxAttempts}`),
    el('td', { title: call.startedAt || '', 'data-label': 'Started' }, call.startedAt ? clockTime(call.startedAt) : '–'),
    el('td', { title: call.finishedAt || '', 'data-label': 'Finished' }, call.finishedAt ? clockTime(call.finishedAt) : '–'),
    el('td', { class: 'num', title: call.lastError || '', 'data-label': 'Status' }, call.result?.status ?? '–'),
    el('td', { class: 'wide-cell mono', 'data-label': 'Call id' }, call.callId),
    el('td', { class: 'actions' }, ...actions(call)));
}

/** A queued call gets Cancel; after one click "Really cancel?" and "Keep", and only the second click cancels. */
function actions(call) {
  if (call.state !== 'queued') return [];
  if (confirming !== call.callId) {
    const cancel = el('button', { type: 'button', class: 'secondary small', 'data-test': 'cancel-async',
      'aria-label': `Cancel call ${call.callId}` }, 'Cancel');
    cancel.addEventListener('click', () => confirm(call.callId, 'confirm-cancel-async'));
    return [cancel];
  }
  const really = el('button', { type: 'button', class: 'danger small', 'data-test': 'confirm-cancel-async',
    'aria-label': `Really cancel call ${call.callId}` }, 'Really cancel?');
  const keep = el('button', { type: 'button', class: 'secondary small', 'data-test': 'keep-async' }, 'Keep');
  really.addEventListener('click', () => cancelCall(call.callId, really));
  keep.addEventListener('click', () => confirm(null, 'cancel-async', call.callId));
  return [el('div', { class: 'buttons' }, really, keep)];
}

/** Draws the rows again with another call (or none) asking for confirmation, and puts focus where the user is. */
function confirm(callId, focusTest, rowId = callId) {
  confirming = callId;
  shownSignature = '';
  if (latest) renderAsyncCalls(latest);
  byId('async-rows').querySelector(`tr[data-call-id="${CSS.escape(rowId)}"] [data-test="${focusTest}"]`)?.focus();
}

async function cancelCall(callId, button) {
  button.disabled = true;
  const message = byId('async-message');
  try {
    await send('DELETE', `/system/calls/${encodeURIComponent(callId)}`);
    showMessage(message, 'ok', `Cancelled call ${callId}.`, 'async-cancel-success');
  } catch (error) {
    showMessage(message, 'bad', `Could not cancel call ${callId}: ${error.message}`, 'async-cancel-error');
  }
  confirming = null;
  shownSignature = '';
  afterCancel();
}

/** Seconds waited as the largest sensible unit; "–" when nothing is queued. */
function age(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  const s = Number(seconds);
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.floor(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
