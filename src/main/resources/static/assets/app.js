// Entry point of the console (an ES module, no build step): wires the panels together.

import { initToken } from './token.js';
import { findFunction, initFunctions, loadFunctions, selectFunction } from './functions.js';
import { initDeploy } from './deploy.js';
import { initInvoke, prefillInvoke } from './invoke.js';
import { startWorkerPanel } from './workers.js';

async function start() {
  initFunctions(prefillInvoke);
  initInvoke();
  initDeploy(onDeployed, (name) => Boolean(findFunction(name)));
  startWorkerPanel();
  await initToken();
  await loadFunctions();
}

/** A fresh deploy is what the user wants to try next: list it and select it for the invoke panel. */
async function onDeployed(fn) {
  await loadFunctions();
  selectFunction(fn.name);
}

start();
