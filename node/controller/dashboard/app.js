// The dashboard's entry point: wires the live view to the page's parts.
import { tickAges, setText } from './dom.js';
import { Live } from './live.js';
import { renderHeader, renderStatus } from './header.js';
import { renderNodes, nodeSummary } from './nodes.js';
import { renderGrid } from './grid.js';
import { Details } from './details.js';
import { renderMoves } from './moves.js';
import { EventLog } from './events.js';
import { RateChart } from './chart.js';
import { isAction, runAction } from './actions.js';

const $ = (id) => document.getElementById(id);

const state = { view: null, selected: null };
const chart = new RateChart($('rps-chart'), $('chart-legend'), $('rps-total'));
const log = new EventLog($('events'), $('events-empty'), $('event-count'));
const details = new Details($('details'), {
  onAction: (name, args, button) => runAction(name, args, button, () => live.soon()),
  onClose: () => select(null),
});
const live = new Live({ onView: render, onEvent: (ev) => log.add(ev), onStatus: renderStatus });

function render(view) {
  state.view = view;
  renderHeader(view);
  setText($('node-count'), nodeSummary(view));
  renderNodes($('nodes'), $('nodes-empty'), view);
  setText($('partition-count'), (view.partitions ?? []).length);
  renderGrid($('grid'), view, state.selected);
  details.show(view, state.selected);
  renderMoves($('moves'), $('moves-empty'), view);
  chart.add(view);
  tickAges();
}

function select(id) {
  state.selected = id;
  if (!state.view) return;
  renderGrid($('grid'), state.view, id);
  details.show(state.view, id);
}

function selectRow(target) {
  const row = target.closest('tr[data-partition]');
  if (row) select(Number(row.dataset.partition));
}

$('grid').addEventListener('click', (e) => selectRow(e.target));
$('grid').addEventListener('keydown', (e) => {
  if (e.key !== 'Enter' && e.key !== ' ') return;
  e.preventDefault();
  selectRow(e.target);
});

// Node actions and Rebalance; the details forms handle their own submits.
document.addEventListener('click', (e) => {
  const button = e.target.closest('button[data-action]');
  if (!button || button.type === 'submit' || !isAction(button.dataset.action)) return;
  runAction(button.dataset.action, { node: button.dataset.node }, button, () => live.soon());
});

setInterval(() => {
  tickAges();
  chart.draw();
}, 1000);

live.start();
