// The client web UI: forms that call the page's own JSON endpoints, which
// call the cluster through kv.Client.
import * as api from './api.js';
import * as browse from './browse.js';
import * as health from './health.js';
import * as viewer from './viewer.js';
import { $, say } from './dom.js';
import { record } from './oplog.js';

// onSubmit runs fn on form's submit, with its submit button disabled
// until fn ends.
function onSubmit(sel, fn) {
  const form = $(sel);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      await fn();
    } finally {
      button.disabled = false;
    }
  });
}

async function get(key) {
  const ans = await api.getKey(key);
  record('get', key, ans);
  if (ans.ok) {
    viewer.show(ans.body);
    offerSwap(key, ans.body.revision);
    say($('#read-result'), true, `read revision ${ans.body.revision}`);
  } else if (ans.status === 404) {
    viewer.clear('missing', key);
    say($('#read-result'), false, `${key}: not found`);
  } else {
    viewer.clear('error', key);
    say($('#read-result'), false, api.errorText(ans));
  }
}

// offerSwap prepares the compare-and-swap form for a key just read, unless
// it holds another key.
function offerSwap(key, revision) {
  const casKey = $('#cas-key');
  if (casKey.value !== '' && casKey.value !== key) return;
  casKey.value = key;
  $('#cas-revision').value = String(revision);
}

async function write(op, key, send, describe) {
  const ans = await send();
  record(op, key, ans);
  const out = $('#write-result');
  if (!ans.ok) {
    const current = typeof ans.body.revision === 'number' ? ` (current revision ${ans.body.revision})` : '';
    say(out, false, `${op} ${key}: ${api.errorText(ans)}${current}`);
    return;
  }
  say(out, true, describe(ans.body));
  browse.refresh(key);
}

function set() {
  const key = $('#set-key').value;
  return write('set', key, () => api.putKey(key, $('#set-value').value),
    (b) => `set ${key} at revision ${b.revision}`);
}

function cas() {
  const key = $('#cas-key').value;
  const rev = Number($('#cas-revision').value);
  return write('cas', key, () => api.casKey(key, $('#cas-value').value, rev),
    (b) => `swapped ${key} to revision ${b.revision}`);
}

function del() {
  const key = $('#delete-key').value;
  return write('delete', key, () => api.deleteKey(key),
    (b) => (b.deleted ? `deleted ${key} at revision ${b.revision}` : `${key} did not exist`));
}

function pick(key) {
  $('#get-key').value = key;
  $('#delete-key').value = key;
  $('#cas-key').value = key;
  return get(key);
}

onSubmit('#set-form', set);
onSubmit('#cas-form', cas);
onSubmit('#delete-form', del);
onSubmit('#get-form', () => get($('#get-key').value));
viewer.start();
browse.start(pick);
health.start();
