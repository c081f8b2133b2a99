// A function's kept versions, shown in a row under the function: newest first, the active one
// marked, and for every other one a "Roll back to this version" button that asks "Really roll
// back?" first, like delete. Everything from the API goes in as text (dom.el).

import { el, showMessage } from './dom.js';
import { getJson, send } from './api.js';

const open = new Set();
let afterRollback = async () => {};

/** reload is called after a rollback (the function list shows the new active version). */
export function initVersions(reload) {
  afterRollback = reload;
}

export function versionsOpen(name) {
  return open.has(name);
}

/** The "Versions" toggle for a function row; rerender draws the list again with the row opened or closed. */
export function versionsButton(fn, rerender) {
  const shown = open.has(fn.name);
  const button = el('button', { type: 'button', class: 'secondary small', 'data-test': 'show-versions',
    'aria-expanded': shown ? 'true' : 'false', 'aria-label': `Versions of ${fn.name}` }, 'Versions');
  button.addEventListener('click', () => {
    if (shown) open.delete(fn.name); else open.add(fn.name);
    rerender();
  });
  return button;
}

/** The row under an opened function: filled once its versions have loaded. */
export function versionsRow(fn, columns) {
  const message = el('p', { class: 'message', 'aria-live': 'polite' });
  const list = el('ul', { class: 'versions', 'data-test': 'version-list' }, el('li', { class: 'muted' }, 'Loading…'));
  const row = el('tr', { class: 'versions-row', 'data-test': 'versions-row', 'data-name': fn.name },
    el('td', { colspan: columns }, message, list));
  loadVersions(fn, list, message);
  return row;
}

async function loadVersions(fn, list, message) {
  try {
    const versions = await getJson(`/system/functions/${encodeURIComponent(fn.name)}/versions`) || [];
    list.replaceChildren(...versions.map((v) => versionItem(fn, v, message)));
  } catch (error) {
    list.replaceChildren();
    showMessage(message, 'bad', `Could not load the versions of ${fn.name}: ${error.message}`, 'versions-error');
  }
}

function versionItem(fn, v, message) {
  const item = el('li', { 'data-test': 'version', 'data-version': v.version, class: v.active ? 'active' : null },
    el('strong', {}, `v${v.version}`),
    ` · ${formatTime(v.deployedAt)} · by `, el('span', { class: 'mono' }, v.deployedBy || '?'),
    ' · ', el('span', { class: 'mono', title: v.codeDigest || '' }, (v.codeDigest || '').slice(0, 12)));
  if (v.active) {
    item.append(' ', el('span', { class: 'badge', 'data-test': 'active-version' }, 'active'));
  } else {
    const rollback = el('button', { type: 'button', class: 'secondary small', 'data-test': 'rollback-version',
      'aria-label': `Roll back ${fn.name} to version ${v.version}` }, 'Roll back to this version');
    rollback.addEventListener('click', () => askToRollBack(fn, v, rollback, message));
    item.append(' ', rollback);
  }
  return item;
}

/** Swaps the button for "Really roll back?" and "Cancel"; only the second click switches versions. */
function askToRollBack(fn, v, button, message) {
  const confirm = el('button', { type: 'button', class: 'danger small', 'data-test': 'confirm-rollback' }, 'Really roll back?');
  const cancel = el('button', { type: 'button', class: 'secondary small', 'data-test': 'cancel-rollback' }, 'Cancel');
  confirm.addEventListener('click', () => rollBack(fn, v, confirm, message));
  cancel.addEventListener('click', () => {
    confirm.replaceWith(button);
    cancel.remove();
  });
  button.replaceWith(confirm, cancel);
  confirm.focus();
}

async function rollBack(fn, v, button, message) {
  button.disabled = true;
  try {
    await send('POST', `/system/functions/${encodeURIComponent(fn.name)}/rollback`, { version: v.version });
    showMessage(message, 'ok', `${fn.name} now runs v${v.version}.`, 'rollback-success');
  } catch (error) {
    showMessage(message, 'bad', `Could not roll back ${fn.name}: ${error.message}`, 'rollback-error');
  }
  await afterRollback();
}

function formatTime(value) {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value ?? '') : date.toLocaleString();
}
