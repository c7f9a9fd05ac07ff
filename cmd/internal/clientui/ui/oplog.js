// The operation log: newest first, one row per call to the cluster, with its
// result, latency, retries and the node that answered.
import { $, el, formatMS } from './dom.js';

const MAX_ROWS = 200;

// record adds the row of one operation (op, key) whose answer is ans.
export function record(op, key, ans) {
  const call = (ans.body && ans.body.call) || {};
  const result = ans.ok ? 'ok' : ((ans.body.error && ans.body.error.code) || 'error');
  const retries = call.retries || 0;
  const tr = el('tr', { 'data-op': op, 'data-result': result, 'data-retries': retries });
  const time = new Date().toLocaleTimeString([], { hour12: false });
  const latency = typeof call.latency_ms === 'number' ? call.latency_ms : ans.elapsed;
  tr.append(
    el('td', { class: 'time' }, time),
    el('td', { class: 'op' }, op),
    keyCell(key),
    el('td', { class: 'res', title: ans.ok ? '' : errorMessage(ans) }, result),
    el('td', { class: 'num' }, formatMS(latency)),
    el('td', { class: 'num retries' }, retries),
    el('td', { class: 'node', title: call.endpoint || '' }, call.node || '–'),
  );
  const tbody = $('#log tbody');
  tbody.prepend(tr);
  while (tbody.rows.length > MAX_ROWS) tbody.lastElementChild.remove();
  $('#log-empty').hidden = true;
}

// keyCell shows a key cut to the column's width; the whole key is its title.
function keyCell(key) {
  const td = el('td', { class: 'key' });
  td.append(el('span', { class: 'clip', title: key }, key));
  return td;
}

function errorMessage(ans) {
  return (ans.body.error && ans.body.error.message) || '';
}
