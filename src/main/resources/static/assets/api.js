// Talking to the platform: JSON reads, authenticated writes, uploads with progress, and turning
// RFC 9457 problem details into errors the panels can show.

const TOKEN_KEY = 'faasj.adminToken';
let onUnauthorized = () => {};

export function storedToken() {
  return localStorage.getItem(TOKEN_KEY) || '';
}

export function saveToken(token) {
  localStorage.setItem(TOKEN_KEY, token.trim());
}

export function forgetToken() {
  localStorage.removeItem(TOKEN_KEY);
}

/** Called with no arguments whenever the server refuses the token (401), so the page can ask again. */
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

/** An answer the platform did not accept; problem holds the parsed problem detail (or a stand-in). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** A read; with the admin token when the page holds one, so the API shows what it hides from others (env values). */
export async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: 'application/json', ...authHeaders() } });
  const text = await response.text();
  if (!response.ok) {
    throw new ApiError(response.status, parseProblem(response.status, text));
  }
  return text ? JSON.parse(text) : null;
}

/** A write with the admin token: without a body (DELETE), or with json sent as JSON (a rollback's target). */
export async function send(method, path, json) {
  const options = json === undefined ? { method, headers: authHeaders() }
    : { method, headers: { 'Content-Type': 'application/json', ...authHeaders() }, body: JSON.stringify(json) };
  const response = await fetch(path, options);
  const text = await response.text();
  return checked(response.status, text);
}

/**
 * Sends multipart form data with XMLHttpRequest, because fetch cannot report upload progress.
 * onProgress gets a fraction 0..1 while the request body goes out.
 */
export function upload(method, path, formData, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
    for (const [name, value] of Object.entries(authHeaders())) {
      xhr.setRequestHeader(name, value);
    }
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener('load', () => {
      try {
        resolve(checked(xhr.status, xhr.responseText));
      } catch (error) {
        reject(error);
      }
    });
    xhr.addEventListener('error', () => reject(networkError()));
    xhr.send(formData);
  });
}

/**
 * A read of the observability API (invocations, call records, stats), which answers only callers
 * with the admin token: a 401 becomes an ApiError with needsToken set, and a saved token the
 * server refused is forgotten and asked for again, as for writes.
 */
export async function getAdminJson(path, signal) {
  const response = await fetch(path, { headers: { Accept: 'application/json', ...authHeaders() }, signal });
  const text = await response.text();
  return checkedAdmin(response.status, text);
}

/**
 * Opens a newline-delimited JSON answer (the logs API) and hands every parsed line to onItem as it
 * arrives; resolves when the server ends the answer, rejects with an AbortError when signal aborts.
 */
export async function streamNdjson(path, signal, onItem) {
  const response = await fetch(path, { headers: { Accept: 'application/x-ndjson', ...authHeaders() }, signal });
  if (!response.ok) {
    checkedAdmin(response.status, await response.text());
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let pending = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    pending = emitLines(pending + decoder.decode(value, { stream: true }), onItem);
  }
  emitLines(pending + decoder.decode() + '\n', onItem);
}

/** Hands every complete line to onItem and returns the incomplete rest, kept for the next chunk. */
function emitLines(text, onItem) {
  const lines = text.split('\n');
  const rest = lines.pop();
  for (const line of lines) {
    if (!line.trim()) continue;
    try {
      onItem(JSON.parse(line));
    } catch (ignored) {
      // one garbled line must not end the stream: skip it
    }
  }
  return rest;
}

function checkedAdmin(status, text) {
  if (status === 401 && !storedToken()) {
    const error = new ApiError(401, { title: 'Admin token needed', detail: 'This needs the admin token.' });
    error.needsToken = true;
    throw error;
  }
  try {
    return checked(status, text);
  } catch (error) {
    if (status === 401) error.needsToken = true;
    throw error;
  }
}

function authHeaders() {
  const token = storedToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

function checked(status, text) {
  if (status === 401) {
    forgetToken();
    onUnauthorized();
  }
  if (status < 200 || status >= 300) {
    throw new ApiError(status, parseProblem(status, text));
  }
  return text ? JSON.parse(text) : null;
}

/** The problem detail from an error body; a plain-text or empty body still gives a readable message. */
function parseProblem(status, text) {
  try {
    const body = JSON.parse(text);
    if (body && typeof body === 'object') return body;
  } catch (ignored) {
    // not JSON: fall through and show the text as it is
  }
  return { status, title: `HTTP ${status}`, detail: text ? text.slice(0, 500) : `HTTP ${status}` };
}

function networkError() {
  return new ApiError(0, { title: 'Network error', detail: 'The platform did not answer. Is it running?' });
}
