// The partition x node grid: the role of each replica, a row per partition.
import { h, changed } from './dom.js';

/** gridColumns are the node ids of the view, then any node a replica names that the view lacks. */
export function gridColumns(view) {
  const ids = (view.nodes ?? []).map((n) => n.id);
  const known = new Set(ids);
  const extra = new Set();
  for (const p of view.partitions ?? []) {
    for (const r of p.replicas ?? []) if (!known.has(r.node)) extra.add(r.node);
  }
  return [...ids, ...[...extra].sort()];
}

/**
 * renderGrid shows view.partitions in table: <tr data-partition> rows whose
 * cells carry data-partition, data-node and data-role (empty for no replica).
 * The row of the partition selected is marked. It rebuilds only on change.
 */
export function renderGrid(table, view, selected) {
  const columns = gridColumns(view);
  const partitions = view.partitions ?? [];
  const health = new Map((view.nodes ?? []).map((n) => [n.id, n.health]));
  const shape = partitions.map((p) => [p.id, p.range, (p.replicas ?? []).map((r) => [r.node, r.role])]);
  if (!changed(table, [columns, [...health], shape, selected])) return;
  table.tHead.rows[0].replaceChildren(
    h('th', { scope: 'col' }, 'Partition'),
    h('th', { scope: 'col', class: 'range' }, 'Range'),
    ...columns.map((id) => h('th', {
      scope: 'col', class: 'node-col', 'data-node': id, 'data-health': health.get(id) ?? 'unknown',
    }, id)));
  table.tBodies[0].replaceChildren(...partitions.map((p) => gridRow(p, columns, selected)));
}

function gridRow(p, columns, selected) {
  const roles = new Map((p.replicas ?? []).map((r) => [r.node, r.role]));
  const isSelected = p.id === selected;
  return h('tr', {
    'data-partition': p.id,
    tabindex: 0,
    class: isSelected ? 'selected' : null,
    'aria-selected': String(isSelected),
  },
  h('th', { scope: 'row' }, `P${p.id}`),
  h('td', { class: 'range', title: p.range }, p.range),
  columns.map((node) => gridCell(p.id, node, roles.get(node) ?? '')));
}

function gridCell(partition, node, role) {
  return h('td', {
    class: `cell role-${role || 'none'}`,
    'data-partition': partition,
    'data-node': node,
    'data-role': role,
    title: role ? `P${partition} on ${node}: ${role}` : `P${partition}: no replica on ${node}`,
  }, role);
}
