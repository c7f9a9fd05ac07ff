// The load balancer's status page: polls GET /v1/status once a second and
// renders the header, the totals and one table row per backend. Every value
// goes in through textContent, never as HTML.

const POLL_MS = 1000;

const COLUMNS = ['health', 'source', 'inflight', 'requests', 'errors', 'p50', 'p90', 'p99', 'retries', 'failovers'];

const BADGES = { up: 'healthy', down: 'unhealthy', ejected: 'ejected', draining: 'draining' };

/** setText changes el's text only when it differs. */
function setText(el, text) {
  const s = String(text);
  if (el.textContent !== s) el.textContent = s;
}

function byId(id) { return document.getElementById(id); }

/** health is a backend's state for its badge and data-health hook. */
export function health(b, now) {
  if (b.draining) return 'draining';
  if (b.ejected_until && Date.parse(b.ejected_until) > now) return 'ejected';
  return b.healthy ? 'up' : 'down';
}

function errorRate(errors, requests) {
  if (!requests) return '0%';
  const pct = (100 * errors) / requests;
  return (pct >= 10 || pct === 0 ? pct.toFixed(0) : pct.toFixed(1)) + '%';
}

function ms(v) { return v ? (v >= 100 ? v.toFixed(0) : v.toFixed(1)) : '–'; }

function count(n) { return Number(n).toLocaleString('en-US'); }

function uptime(seconds) {
  const s = Math.floor(seconds);
  if (s < 60) return s + 's';
  if (s < 3600) return Math.floor(s / 60) + 'm ' + (s % 60) + 's';
  return Math.floor(s / 3600) + 'h ' + Math.floor((s % 3600) / 60) + 'm';
}

/** newRow makes the row of backend id: a name cell and one cell per column. */
function newRow(id) {
  const tr = document.createElement('tr');
  tr.dataset.backend = id;
  const name = document.createElement('th');
  name.scope = 'row';
  const title = document.createElement('span');
  title.className = 'id';
  const url = document.createElement('span');
  url.className = 'url';
  name.append(title, url);
  tr.append(name);
  for (const col of COLUMNS) {
    const td = document.createElement('td');
    td.dataset.col = col;
    if (col !== 'health' && col !== 'source') td.className = 'num';
    if (col === 'health') {
      const badge = document.createElement('span');
      badge.className = 'badge';
      td.append(badge);
    }
    tr.append(td);
  }
  return tr;
}

function cell(tr, col) { return tr.querySelector(`td[data-col="${col}"]`); }

function fillRow(tr, b, now) {
  const state = health(b, now);
  tr.dataset.health = state;
  setText(tr.querySelector('.id'), b.node && b.node !== b.id ? `${b.id} (${b.node})` : b.id);
  setText(tr.querySelector('.url'), b.url);
  const badge = cell(tr, 'health').firstChild;
  badge.dataset.state = state;
  setText(badge, BADGES[state]);
  setText(cell(tr, 'source'), b.source);
  setText(cell(tr, 'inflight'), count(b.in_flight));
  setText(cell(tr, 'requests'), count(b.requests));
  setText(cell(tr, 'errors'), errorRate(b.errors, b.requests));
  setText(cell(tr, 'p50'), ms(b.latency_p50_ms));
  setText(cell(tr, 'p90'), ms(b.latency_p90_ms));
  setText(cell(tr, 'p99'), ms(b.latency_p99_ms));
  setText(cell(tr, 'retries'), count(b.retries));
  setText(cell(tr, 'failovers'), count(b.failovers));
}

/** renderBackends keeps one row per backend, in the status's order. */
function renderBackends(backends, now) {
  const body = byId('backends').tBodies[0];
  const old = new Map([...body.rows].map((tr) => [tr.dataset.backend, tr]));
  const rows = backends.map((b) => {
    const tr = old.get(b.id) ?? newRow(b.id);
    old.delete(b.id);
    fillRow(tr, b, now);
    return tr;
  });
  old.forEach((tr) => tr.remove());
  rows.forEach((tr, i) => { if (body.rows[i] !== tr) body.insertBefore(tr, body.rows[i] ?? null); });
  byId('backends-empty').hidden = backends.length > 0;
}

function render(s) {
  const now = Date.now();
  setText(byId('policy'), s.policy);
  setText(byId('controller'), s.controller || 'none');
  setText(byId('cluster-version'), s.cluster_version || '–');
  setText(byId('uptime'), uptime(s.uptime_seconds));
  setText(byId('t-backends'), `${s.healthy_backends} of ${s.total_backends} healthy`);
  setText(byId('t-inflight'), count(s.in_flight));
  setText(byId('t-requests'), count(s.requests));
  setText(byId('t-errors'), errorRate(s.errors, s.requests));
  setText(byId('t-retries'), count(s.retries));
  setText(byId('t-failovers'), count(s.failovers));
  renderBackends(s.backends ?? [], now);
}

function setConn(state, text) {
  const conn = byId('conn');
  conn.dataset.state = state;
  setText(conn, text);
}

async function poll() {
  try {
    const resp = await fetch('/v1/status', { cache: 'no-store' });
    if (!resp.ok) throw new Error(`GET /v1/status answered ${resp.status}`);
    render(await resp.json());
    setConn('live', 'live');
  } catch (err) {
    setConn('down', 'balancer unreachable');
    console.warn(err.message);
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

poll();
