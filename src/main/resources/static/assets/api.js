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

/** A write without a body (DELETE), with the admin token. */
export async function send(method, path) {
  const response = await fetch(path, { method, headers: authHeaders() });
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
