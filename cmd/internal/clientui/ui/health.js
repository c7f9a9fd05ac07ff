// The connection state of the endpoints the UI's client calls, polled.
import * as api from './api.js';
import { $, el, formatMS } from './dom.js';

const POLL_MS = 3000;

// start polls /api/health now and every few seconds.
export function start() {
  poll();
}

async function poll() {
  const ans = await api.health();
  render(ans);
  setTimeout(poll, POLL_MS);
}

function render(ans) {
  const conn = $('#conn');
  if (!ans.ok) {
    conn.dataset.state = 'down';
    conn.textContent = 'UI server unreachable';
    return;
  }
  const eps = ans.body.endpoints || [];
  const ready = eps.filter((e) => e.state === 'ready').length;
  conn.dataset.state = ready === eps.length ? 'ok' : ready > 0 ? 'degraded' : 'down';
  conn.textContent = `${ready}/${eps.length} ready`;
  $('#endpoints').replaceChildren(...eps.map(endpointItem));
}

function endpointItem(e) {
  const li = el('li', { 'data-endpoint': e.endpoint, 'data-state': e.state, title: e.error || '' });
  li.append(el('span', { class: 'dot', 'aria-hidden': 'true' }), el('span', { class: 'ep' }, e.endpoint),
    el('span', { class: 'ep-state' }, e.reachable ? `${e.state.replace('_', ' ')} · ${formatMS(e.latency_ms)}` : 'unreachable'));
  return li;
}
