// The invoke panel: calls a function route from the browser and shows status, body and latency.

import { byId } from './dom.js';

const METHODS_WITHOUT_BODY = new Set(['GET', 'HEAD']);

export function initInvoke() {
  byId('invoke-form').addEventListener('submit', onInvokeSubmit);
}

/** Fills method and path from a selected function. */
export function prefillInvoke(fn) {
  const method = byId('invoke-method');
  if ([...method.options].some((option) => option.value === fn.method)) {
    method.value = fn.method;
  }
  byId('invoke-path').value = fn.route || fn.uri || '/';
}

async function onInvokeSubmit(event) {
  event.preventDefault();
  const method = byId('invoke-method').value;
  const path = samePath(byId('invoke-path').value);
  const init = { method, headers: {} };
  if (!METHODS_WITHOUT_BODY.has(method)) {
    init.body = byId('invoke-body').value;
    init.headers['Content-Type'] = 'application/json';
  }
  byId('invoke-send').disabled = true;
  try {
    await invoke(path, init);
  } finally {
    byId('invoke-send').disabled = false;
  }
}

/** Only paths on this platform: a typed "http://elsewhere" must not make the console call other hosts. */
function samePath(typed) {
  const path = typed.trim();
  return path.startsWith('/') && !path.startsWith('//') ? path : `/${path.replace(/^\/+/, '')}`;
}

async function invoke(path, init) {
  // the clock covers the whole exchange, body included, as a user of the function would see it
  const started = performance.now();
  try {
    const response = await fetch(path, init);
    const text = await response.text();
    showAnswer(String(response.status), response.statusText, prettyIfJson(text), performance.now() - started);
  } catch (error) {
    showAnswer('failed', '', `No answer: ${error.message}`, performance.now() - started);
  }
}

function showAnswer(status, statusText, body, millis) {
  byId('invoke-status').textContent = statusText ? `${status} ${statusText}` : status;
  byId('invoke-latency').textContent = `${millis.toFixed(1)} ms`;
  byId('invoke-response').textContent = body;
  byId('invoke-result').hidden = false;
}

function prettyIfJson(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch (ignored) {
    return text;
  }
}
