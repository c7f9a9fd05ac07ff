// The list of replica moves in flight.
import { h, changed, parseTime } from './dom.js';

/** renderMoves lists view.moves, one <li data-partition data-from data-to> each. */
export function renderMoves(list, empty, view) {
  const moves = view.moves ?? [];
  empty.hidden = moves.length > 0;
  if (!changed(list, moves)) return;
  list.replaceChildren(...moves.map((m) => h('li', {
    'data-partition': m.partition, 'data-from': m.from, 'data-to': m.to,
  },
  h('span', { class: 'move-part' }, `P${m.partition}`),
  h('span', { class: 'move-path' }, `${m.from} → ${m.to}`),
  m.reason ? h('span', { class: 'move-reason' }, m.reason) : null,
  h('span', { class: 'muted move-age', 'data-since': parseTime(m.started) || '' }))));
}
