// The function list: load, render, select (prefills the invoke panel, opens its calls and logs;
// a deleted selection is reported as null), delete with an inline
// "Really delete?" step so one stray click never removes a function. Each row can open the
// function's kept versions (versions.js) to roll back.

import { byId, el, showMessage } from './dom.js';
import { getJson, send } from './api.js';
import { initVersions, versionsButton, versionsOpen, versionsRow } from './versions.js';

let functions = [];
let selectedName = null;
let onSelect = () => {};

export function initFunctions(selectHandler) {
  onSelect = selectHandler;
  byId('functions-refresh').addEventListener('click', () => loadFunctions());
  initVersions(() => loadFunctions());
}

export async function loadFunctions() {
  try {
    functions = await getJson('/system/functions') || [];
    byId('functions-message').querySelector('[data-test="functions-error"]')?.remove();
  } catch (error) {
    showMessage(byId('functions-message'), 'bad', `Could not load functions: ${error.message}`, 'functions-error');
  }
  renderFunctions();
  return functions;
}

export function findFunction(name) {
  return functions.find((fn) => fn.name === name);
}

export function selectFunction(name) {
  selectedName = name;
  renderFunctions();
  const fn = findFunction(name);
  if (fn) onSelect(fn);
}

export function routeOf(fn) {
  return fn.route || fn.uri || '';
}

function renderFunctions() {
  const rows = functions.flatMap((fn) => versionsOpen(fn.name) ? [functionRow(fn), versionsRow(fn, 7)] : [functionRow(fn)]);
  byId('function-rows').replaceChildren(...rows);
  byId('functions-empty').hidden = functions.length > 0;
}

function functionRow(fn) {
  const selected = fn.name === selectedName;
  return el('tr', { 'data-test': 'function-row', 'data-name': fn.name, class: selected ? 'selected' : null },
    el('td', { 'data-test': 'function-name', 'data-label': 'Name' }, fn.name),
    el('td', { class: 'mono', 'data-label': 'Method' }, fn.method || ''),
    el('td', { class: 'mono', 'data-test': 'function-route', 'data-label': 'Route' }, routeOf(fn)),
    el('td', { 'data-label': 'Runtime' }, fn.runtime || ''),
    el('td', { 'data-label': 'Version' }, fn.version ?? ''),
    el('td', { title: String(fn.deployedAt ?? ''), 'data-label': 'Deployed' }, formatTime(fn.deployedAt)),
    actionsCell(fn, selected));
}

function actionsCell(fn, selected) {
  const select = el('button', { type: 'button', class: 'secondary small', 'data-test': 'select-function',
    'aria-pressed': selected ? 'true' : 'false', 'aria-label': `Select ${fn.name}` }, selected ? 'Selected' : 'Select');
  select.addEventListener('click', () => selectFunction(fn.name));
  const remove = el('button', { type: 'button', class: 'danger small', 'data-test': 'delete-function',
    'aria-label': `Delete ${fn.name}` }, 'Delete');
  remove.addEventListener('click', () => askToDelete(fn, remove));
  return el('td', { class: 'actions' }, el('div', { class: 'buttons' }, select, versionsButton(fn, renderFunctions), remove));
}

/** Swaps the Delete button for "Really delete?" and "Cancel"; only the second click deletes. */
function askToDelete(fn, removeButton) {
  const confirm = el('button', { type: 'button', class: 'danger small', 'data-test': 'confirm-delete' }, 'Really delete?');
  const cancel = el('button', { type: 'button', class: 'secondary small', 'data-test': 'cancel-delete' }, 'Cancel');
  confirm.addEventListener('click', () => deleteFunction(fn, confirm));
  cancel.addEventListener('click', () => renderFunctions());
  removeButton.replaceWith(confirm, cancel);
  confirm.focus();
}

async function deleteFunction(fn, button) {
  button.disabled = true;
  const message = byId('functions-message');
  try {
    await send('DELETE', `/system/functions/${encodeURIComponent(fn.name)}`);
    if (selectedName === fn.name) {
      selectedName = null;
      onSelect(null);
    }
    showMessage(message, 'ok', `Deleted ${fn.name}.`, 'delete-success');
  } catch (error) {
    showMessage(message, 'bad', `Could not delete ${fn.name}: ${error.message}`, 'delete-error');
  }
  await loadFunctions();
}

/** deployedAt may come as an ISO string or epoch seconds/millis; show it in the viewer's local time. */
function formatTime(value) {
  if (value === undefined || value === null || value === '') return '';
  const millis = typeof value === 'number' && value < 1e12 ? value * 1000 : value;
  const date = new Date(millis);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}
