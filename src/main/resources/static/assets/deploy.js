// The deploy form: code file plus a descriptor (file or typed fields), sent as multipart with
// upload progress; shows the compile result or the problem detail with the compiler's output.

import { byId, el } from './dom.js';
import { upload } from './api.js';

let afterDeploy = () => {};
let isDeployed = () => false;

/**
 * @param deployedHandler called with the deployed function
 * @param existsCheck tells whether a function name is already deployed (then the form redeploys with PUT)
 */
export function initDeploy(deployedHandler, existsCheck) {
  afterDeploy = deployedHandler;
  isDeployed = existsCheck;
  byId('deploy-form').addEventListener('submit', onDeploySubmit);
  byId('descriptor-file').addEventListener('change', syncDescriptorFields);
  byId('code-file').addEventListener('change', guessRuntimeFromCode);
}

/** A chosen descriptor file wins over the typed fields; greying them out makes that visible. */
function syncDescriptorFields() {
  byId('descriptor-fields').disabled = byId('descriptor-file').files.length > 0;
}

async function onDeploySubmit(event) {
  event.preventDefault();
  const code = byId('code-file').files[0];
  if (!code) {
    showFailure({ title: 'No code file', detail: 'Pick the code file to deploy.' });
    return;
  }
  const descriptor = await descriptorPart();
  if (!descriptor) return;
  await deploy(code, descriptor);
}

async function deploy(code, descriptor) {
  const form = new FormData();
  form.append('code', code, code.name);
  form.append('descriptor', descriptor.part);
  const name = descriptor.name;
  const redeploy = name && isDeployed(name);
  const path = redeploy ? `/system/functions/${encodeURIComponent(name)}` : '/system/functions';
  setBusy(true);
  byId('deploy-result').replaceChildren(el('p', { class: 'muted' }, 'Uploading and compiling…'));
  try {
    const fn = await upload(redeploy ? 'PUT' : 'POST', path, form, showProgress);
    showSuccess(fn, redeploy);
    afterDeploy(fn);
  } catch (error) {
    showFailure(error.problem || { detail: error.message });
  } finally {
    setBusy(false);
  }
}

/** The descriptor as a multipart part plus its name (to pick POST or PUT); null when unusable. */
async function descriptorPart() {
  const file = byId('descriptor-file').files[0];
  if (file) {
    return { part: file, name: nameInFile(await file.text()) };
  }
  const typed = typedDescriptor();
  return { part: JSON.stringify(typed), name: typed.name };
}

/** A picked .wasm module can only be runtime wasm: preselect it (the descriptor file still wins). */
function guessRuntimeFromCode() {
  const code = byId('code-file').files[0];
  if (code && code.name.toLowerCase().endsWith('.wasm')) {
    byId('d-runtime').value = 'wasm';
  }
}

function nameInFile(text) {
  try {
    const name = JSON.parse(text).name;
    return typeof name === 'string' ? name : null;
  } catch (ignored) {
    return null; // the server reports what is wrong with the file
  }
}

/** The typed fields as a descriptor; empty optional fields are left out so the server's defaults apply. */
function typedDescriptor() {
  // "c:wasm" is C built for WASI: runtime c with target wasm
  const [runtime, target] = byId('d-runtime').value.split(':');
  const descriptor = {
    runtime,
    method: byId('d-method').value,
    memory: Number(byId('d-memory').value),
    timeout: Number(byId('d-timeout').value),
    handler: 'main',
  };
  const name = byId('d-name').value.trim();
  const route = byId('d-route').value.trim();
  if (target) descriptor.target = target;
  if (name) descriptor.name = name;
  if (route) descriptor.route = route;
  // empty leaves the platform's default; anything else goes as typed, so the server names a bad value
  const retries = byId('d-retries').value.trim();
  if (retries) descriptor.retries = Number(retries);
  return descriptor;
}

function setBusy(busy) {
  byId('deploy-submit').disabled = busy;
  const progress = byId('upload-progress');
  progress.hidden = !busy;
  progress.value = 0;
  byId('upload-percent').textContent = '';
}

function showProgress(fraction) {
  const percent = Math.round(fraction * 100);
  byId('upload-progress').value = percent;
  // once the body is out the server is compiling: say so instead of sitting at 100 %
  byId('upload-percent').textContent = percent < 100 ? `Uploading ${percent} %` : 'Uploaded, compiling…';
}

function showSuccess(fn, redeploy) {
  const route = `${fn.method || ''} ${fn.route || fn.uri || ''}`.trim();
  const verb = redeploy ? 'Redeployed' : 'Deployed';
  byId('deploy-result').replaceChildren(el('div', { class: 'ok', id: 'deploy-success', 'data-test': 'deploy-success' },
    el('p', {}, `${verb} ${fn.name} (version ${fn.version ?? '?'}) at ${route}.`)));
}

function showFailure(problem) {
  const box = el('div', { class: 'bad', id: 'deploy-error', 'data-test': 'deploy-error' },
    el('p', {}, el('strong', {}, problem.title || 'Deploy failed'), problem.detail ? `: ${problem.detail}` : ''));
  if (problem.field) {
    box.append(el('p', {}, `Field: ${problem.field}`));
  }
  if (problem.compilerOutput) {
    box.append(el('pre', { id: 'compiler-output', 'data-test': 'compiler-output' }, problem.compilerOutput));
  }
  byId('deploy-result').replaceChildren(box);
}
