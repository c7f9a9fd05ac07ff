// The nodes table: one row per storage node, updated in place.
import { h, reconcile, setText, bytes, count, rate, parseTime } from './dom.js';

const LOCAL_ACTIONS = [['stop', 'Stop'], ['restart', 'Restart'], ['isolate', 'Isolate'], ['heal', 'Heal']];

/** renderNodes shows view.nodes in table, one <tr data-node data-health> each. */
export function renderNodes(table, empty, view) {
  const nodes = view.nodes ?? [];
  empty.hidden = nodes.length > 0;
  const rows = reconcile(table.tBodies[0], nodes.map((n) => n.id), buildRow);
  rows.forEach((tr, i) => updateRow(tr, nodes[i], Boolean(view.local)));
}

/** nodeSummary is the header count: "3 · 2 up · 1 down". */
export function nodeSummary(view) {
  const nodes = view.nodes ?? [];
  const by = (health) => nodes.filter((n) => n.health === health).length;
  const parts = [`${nodes.length}`];
  for (const health of ['up', 'suspect', 'down']) {
    if (by(health)) parts.push(`${by(health)} ${health}`);
  }
  return parts.join(' · ');
}

function buildRow(id) {
  const cell = (col, cls) => h('td', { 'data-col': col, class: cls });
  return h('tr', { 'data-node': id },
    h('th', { scope: 'row', 'data-col': 'id' }, id),
    cell('addr', 'addr'),
    h('td', { 'data-col': 'health' }, h('span', { class: 'badge' })),
    cell('draining'),
    cell('replicas', 'num'), cell('leaders', 'num'), cell('keys', 'num'),
    cell('bytes', 'num'), cell('rps', 'num'),
    h('td', { 'data-col': 'heartbeat', class: 'num muted' }, h('span', { 'data-since': '' })),
    cell('actions', 'actions'));
}

function updateRow(tr, n, local) {
  const col = (name) => tr.querySelector(`[data-col="${name}"]`);
  tr.dataset.health = n.health;
  tr.dataset.draining = String(Boolean(n.draining));
  setText(col('addr'), n.http_addr || '—');
  col('addr').title = n.raft_addr ? `raft ${n.raft_addr}` : '';
  const badge = col('health').firstElementChild;
  badge.className = `badge health-${n.health}`;
  setText(badge, n.health);
  updateDraining(col('draining'), n.draining);
  setText(col('replicas'), count(n.replicas));
  setText(col('leaders'), count(n.leaders));
  setText(col('keys'), count(n.keys));
  setText(col('bytes'), bytes(n.bytes));
  setText(col('rps'), rate(n.requests_per_sec));
  col('heartbeat').firstElementChild.dataset.since = parseTime(n.last_heartbeat) || '';
  updateActions(col('actions'), n, local);
}

function updateDraining(td, draining) {
  if (changedFlag(td, draining)) {
    td.replaceChildren(draining ? h('span', { class: 'badge flag-draining' }, 'draining') : h('span', { class: 'muted' }, '—'));
  }
}

function changedFlag(td, value) {
  const v = String(Boolean(value));
  if (td.dataset.value === v) return false;
  td.dataset.value = v;
  return true;
}

function updateActions(td, n, local) {
  const mode = local ? 'local' : 'remote';
  if (td.dataset.mode !== mode) {
    td.replaceChildren(actionButtons(n.id, local));
    td.dataset.mode = mode;
  }
  const drain = td.querySelector('[data-action="drain"]');
  drain.disabled = Boolean(n.draining) || drain.dataset.busy === 'true';
}

function actionButtons(id, local) {
  const button = (action, label, cls) =>
    h('button', { type: 'button', class: cls, 'data-action': action, 'data-node': id }, label);
  const group = h('span', { class: 'group' }, button('drain', 'Drain'), button('remove', 'Remove', 'danger'));
  if (!local) return group;
  const localGroup = h('span', { class: 'group local' }, LOCAL_ACTIONS.map(([a, label]) => button(a, label)));
  return h('span', { class: 'buttons' }, group, localGroup);
}
