// The admin token: asked for once, kept in localStorage, asked for again when the server says 401.

import { byId } from './dom.js';
import { getJson, saveToken, storedToken, whenUnauthorized } from './api.js';

let tokenRequired = true;
const savedHandlers = [];

export async function initToken() {
  byId('token-form').addEventListener('submit', onTokenSubmit);
  byId('token-change').addEventListener('click', () => askForToken('Enter the new admin token.'));
  whenUnauthorized(() => askForToken('The platform refused the token. Enter it again, then repeat the action.'));
  tokenRequired = await fetchTokenRequired();
  if (tokenRequired && !storedToken()) {
    askForToken();
  } else {
    showTokenState();
  }
}

async function fetchTokenRequired() {
  try {
    return (await getJson('/system/auth')).tokenRequired !== false;
  } catch (error) {
    // cannot tell: assume the safe answer, a write will say 401 if we are wrong
    return true;
  }
}

/** Opens the token form, e.g. from a panel that cannot show anything without the token. */
export function requestToken(reason) {
  askForToken(reason);
}

/** Runs handler after the user saved a token, so panels that were waiting for one can load. */
export function onTokenSaved(handler) {
  savedHandlers.push(handler);
}

function askForToken(reason) {
  if (reason) byId('token-reason').textContent = reason;
  byId('token-panel').hidden = false;
  showTokenState();
  byId('token-input').focus();
}

function onTokenSubmit(event) {
  event.preventDefault();
  const input = byId('token-input');
  if (!input.value.trim()) return;
  saveToken(input.value);
  input.value = '';
  byId('token-panel').hidden = true;
  showTokenState();
  savedHandlers.forEach((handler) => handler());
}

function showTokenState() {
  const status = byId('token-status');
  if (!tokenRequired) {
    status.textContent = 'Open access (loopback only)';
  } else {
    status.textContent = storedToken() ? 'Admin token saved' : 'Admin token needed';
  }
  byId('token-change').hidden = !tokenRequired || !byId('token-panel').hidden;
}
