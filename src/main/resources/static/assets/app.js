// Entry point of the console (an ES module, no build step): wires the panels together.

import { initToken } from './token.js';
import { findFunction, initFunctions, loadFunctions, selectFunction } from './functions.js';
import { initDeploy } from './deploy.js';
import { initInvoke, prefillInvoke } from './invoke.js';
import { startWorkerPanel } from './workers.js';
import { startNodePanel } from './nodes.js';
import { initObserve, showFunction } from './observe.js';

async function start() {
  initFunctions(onSelected);
  initInvoke();
  initObserve();
  initDeploy(onDeployed, (name) => Boolean(findFunction(name)));
  startWorkerPanel();
  startNodePanel();
  await initToken();
  await loadFunctions();
}

/** A selected function is the one to invoke and to watch; null when the selected one was deleted. */
function onSelected(fn) {
  if (fn) prefillInvoke(fn);
  showFunction(fn ? fn.name : null);
}

/** A fresh deploy is what the user wants to try next: list it and select it for the invoke panel. */
async function onDeployed(fn) {
  await loadFunctions();
  selectFunction(fn.name);
}

start();
