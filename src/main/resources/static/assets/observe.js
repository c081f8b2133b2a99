// The calls panel of the selected function: live stats and chart, recent invocations, logs, async
// calls. It
// polls while a function is shown and the page is visible, and waits for the admin token (the
// observability API answers nobody without it) instead of failing on every poll.

import { byId } from './dom.js';
import { onTokenSaved, requestToken } from './token.js';
import { clearStats, fetchStats, renderStats } from './stats.js';
import { clearInvocations, fetchInvocations, initInvocations, renderInvocations } from './invocations.js';
import { initLogs, reload as reloadLogs, showLogsOf } from './logs.js';
import { clearAsyncCalls, fetchAsyncCalls, initAsyncCalls, renderAsyncCalls } from './asynccalls.js';

const POLL_MILLIS = 3000;

let shown = null; // name of the function shown, or null
let latestPoll = 0; // only the latest poll renders and schedules the next: a function or filter change starts one
let waitingForToken = false;
let pollTimer = null;

export function initObserve() {
  initInvocations(() => refresh());
  initAsyncCalls(() => refresh(), () => refresh());
  initLogs(needsToken);
  byId('observe-token-enter').addEventListener('click', () => requestToken('The calls and logs panel needs the admin token.'));
  onTokenSaved(() => {
    if (!waitingForToken) return;
    waitingForToken = false;
    byId('observe-token').hidden = true;
    byId('observe-body').hidden = !shown;
    refresh();
    reloadLogs();
  });
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) refresh();
  });
}

/** Shows another function (by name), or none; the previous one's polls and log stream stop. */
export function showFunction(name) {
  if (name === shown) return;
  shown = name;
  byId('observe-function').textContent = name ? `· ${name}` : '';
  byId('observe-empty').hidden = Boolean(name);
  byId('observe-body').hidden = !name || waitingForToken;
  byId('observe-message').replaceChildren();
  byId('observe-updated').textContent = '';
  clearStats();
  clearInvocations();
  clearAsyncCalls();
  showLogsOf(name);
  refresh();
}

/** One poll of stats, invocations and async calls, then the next in a few seconds (chained: slow answers never pile up). */
async function refresh() {
  clearTimeout(pollTimer);
  const poll = ++latestPoll;
  if (!shown || waitingForToken || document.hidden) return;
  try {
    const [stats, invocations, asyncCalls] = await Promise.all([fetchStats(shown), fetchInvocations(shown),
      fetchAsyncCalls(shown).catch(asyncProblem)]);
    if (poll !== latestPoll) return;
    renderStats(stats);
    renderInvocations(invocations);
    renderAsyncCalls(asyncCalls);
    byId('observe-message').replaceChildren();
    byId('observe-updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    if (poll !== latestPoll) return;
    if (error.needsToken) {
      needsToken();
      return;
    }
    showProblem(error);
  }
  if (poll === latestPoll) pollTimer = setTimeout(refresh, POLL_MILLIS);
}

/** The async queue can fail alone (its store unreachable): say so in its part and keep the rest updating. */
function asyncProblem(error) {
  if (error.needsToken) throw error;
  return { problem: error };
}

/** Stops polling and says why, with a way to give the token; saving one resumes everything. */
function needsToken() {
  waitingForToken = true;
  clearTimeout(pollTimer);
  byId('observe-token').hidden = false;
  byId('observe-body').hidden = true;
}

function showProblem(error) {
  const text = error.status === 404
    ? `${shown} is not deployed and has no recorded calls.`
    : `Could not load the figures: ${error.message}`;
  const message = byId('observe-message');
  message.textContent = text;
  message.className = 'message bad';
  byId('observe-updated').textContent = 'not updating';
}
