// The logs block: the last N stderr lines of the shown function (GET .../logs?tail=N, NDJSON) and a
// Follow toggle that keeps the answer open (follow=true) and appends lines as the platform streams
// them. Turning Follow off, or showing another function, aborts the request. Lines are untrusted
// text: textContent only.

import { byId, el } from './dom.js';
import { streamNdjson } from './api.js';
import { clockTime } from './units.js';

const MAX_LINES = 2000; // lines kept on the page; older ones drop off the top
const RESUME_DELAY_MILLIS = 1000;

let name = null;
let request = null; // the AbortController of the running tail or follow request
let lastTime = null; // time of the newest line shown, where a resumed follow starts
let shownAtLastTime = new Map(); // how often each line at lastTime was shown (a resumed follow repeats them)
let onNeedsToken = () => {};

export function initLogs(needsTokenHandler) {
  onNeedsToken = needsTokenHandler;
  byId('logs-reload').addEventListener('click', () => reload());
  byId('logs-tail').addEventListener('change', () => reload());
  byId('logs-follow').addEventListener('click', () => setFollow(!following()));
}

/** Shows another function's logs (or none): whatever ran for the previous one stops. */
export function showLogsOf(functionName) {
  name = functionName;
  setFollowButton(false);
  reload();
}

/** Loads the tail again, following on if Follow is on. */
export function reload() {
  stop();
  clearLines();
  state('');
  if (name) run(following());
}

function following() {
  return byId('logs-follow').getAttribute('aria-pressed') === 'true';
}

function setFollow(on) {
  setFollowButton(on);
  if (on) {
    reload();
  } else {
    stop();
    state('Stopped following.');
  }
}

/** A toggle button keeps its label; aria-pressed (and the style it drives) says whether it is on. */
function setFollowButton(on) {
  byId('logs-follow').setAttribute('aria-pressed', on ? 'true' : 'false');
}

function stop() {
  request?.abort();
  request = null;
}

/** One tail request, or a follow request resumed after the server ends it (it caps how long one lasts). */
async function run(follow, resume = false) {
  const controller = new AbortController();
  request = controller;
  const shownFor = name;
  const replay = resume && lastTime ? { time: lastTime, counts: new Map(shownAtLastTime) } : null;
  state(follow ? 'Following: new lines appear as they are written.' : 'Loading…');
  try {
    await streamNdjson(logsPath(follow, replay), controller.signal, (line) => {
      if (request === controller) append(line, replay);
    });
    if (request !== controller) return;
    if (follow && following() && shownFor === name) {
      setTimeout(() => { if (request === controller) run(true, true); }, RESUME_DELAY_MILLIS);
    } else {
      state(''); // an empty view says "No log lines yet." itself (console.css)
    }
  } catch (error) {
    if (error.name === 'AbortError' || request !== controller) return;
    setFollowButton(false);
    if (error.needsToken) {
      state('');
      onNeedsToken();
    } else {
      state(`Could not load the logs: ${error.message}`, true);
    }
  }
}

function logsPath(follow, replay) {
  const base = `/system/functions/${encodeURIComponent(name)}/logs`;
  // tail=10000 (the most) so since alone decides: lines written between two requests are not lost
  if (replay) return `${base}?since=${encodeURIComponent(replay.time)}&tail=10000&follow=true`;
  return `${base}?tail=${encodeURIComponent(byId('logs-tail').value)}${follow ? '&follow=true' : ''}`;
}

function append(line, replay) {
  if (isReplayed(line, replay)) return;
  remember(line);
  const view = byId('logs');
  const atBottom = view.scrollHeight - view.scrollTop - view.clientHeight < 8;
  view.append(el('div', { class: 'log-line', 'data-test': 'log-line', 'data-call-id': line.callId },
    el('span', { class: 'log-time', title: line.time }, clockTime(line.time)), ' ',
    el('span', { class: 'log-call' }, line.callId), ' ',
    el('span', { class: 'log-text' }, line.text)));
  while (view.childElementCount > MAX_LINES) view.firstElementChild.remove();
  if (atBottom) view.scrollTop = view.scrollHeight; // stick to the end unless the reader scrolled up
}

/**
 * A resumed follow starts at the newest shown line's time, so the lines shown at exactly that time
 * come again: the first as many of each as were shown are skipped. Older lines are never skipped
 * (workers report in batches, so lines can arrive out of order).
 */
function isReplayed(line, replay) {
  if (!replay || line.time !== replay.time) return false;
  const key = lineKey(line);
  const left = replay.counts.get(key) || 0;
  if (left === 0) return false;
  replay.counts.set(key, left - 1);
  return true;
}

/** Counts the lines shown at the newest time, which is where a resumed follow starts. */
function remember(line) {
  if (!lastTime || line.time > lastTime) {
    lastTime = line.time;
    shownAtLastTime = new Map();
  }
  if (line.time === lastTime) {
    shownAtLastTime.set(lineKey(line), (shownAtLastTime.get(lineKey(line)) || 0) + 1);
  }
}

function lineKey(line) {
  return `${line.callId}\n${line.text}`;
}

function clearLines() {
  byId('logs').replaceChildren();
  lastTime = null;
  shownAtLastTime = new Map();
}

function state(text, bad = false) {
  const node = byId('logs-state');
  node.textContent = text;
  node.className = bad ? 'bad' : 'muted';
}
