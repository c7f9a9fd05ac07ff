// The details of the selected partition, with its transfer and move forms.
import { h, changed, bytes, count } from './dom.js';

/**
 * Details renders one partition into the #details card. Its forms call
 * onAction(name, args, button) with name 'transfer' ({partition, to}) or
 * 'move' ({partition, from, to}); its close button calls onClose().
 */
export class Details {
  constructor(root, { onAction, onClose }) {
    const $ = (sel) => root.querySelector(sel);
    this.el = {
      id: $('#details-id'), close: $('#details-close'), empty: $('#details-empty'),
      body: $('#details-body'), facts: $('#details-facts'), replicas: $('#replicas tbody'),
      transfer: $('#transfer-form'), transferTo: $('#transfer-to'),
      move: $('#move-form'), moveFrom: $('#move-from'), moveTo: $('#move-to'),
    };
    this.partition = null;
    this.el.close.addEventListener('click', onClose);
    this.el.transfer.addEventListener('submit', (e) => {
      e.preventDefault();
      onAction('transfer', { partition: this.partition, to: this.el.transferTo.value }, e.submitter);
    });
    this.el.move.addEventListener('submit', (e) => {
      e.preventDefault();
      const { moveFrom, moveTo } = this.el;
      onAction('move', { partition: this.partition, from: moveFrom.value, to: moveTo.value }, e.submitter);
    });
  }

  /** show renders partition id of view, or the hint when id is null. */
  show(view, id) {
    const p = id === null ? null : (view.partitions ?? []).find((x) => x.id === id);
    this.partition = p ? p.id : null;
    this.el.id.textContent = id === null ? '' : `P${id}`;
    this.el.close.hidden = id === null;
    this.el.body.hidden = !p;
    this.el.empty.hidden = Boolean(p);
    this.el.empty.textContent = id === null
      ? 'Select a partition row to see its replicas.'
      : `Partition ${id} no longer exists.`;
    if (p) this.render(view, p);
  }

  render(view, p) {
    const { facts, replicas } = this.el;
    facts.replaceChildren(...fact('Range', p.range), ...fact('Epoch', p.epoch),
      ...fact('Term', p.term), ...fact('Leader', p.leader || 'none'));
    replicas.replaceChildren(...(p.replicas ?? []).map(replicaRow));
    this.renderForms(view, p);
  }

  renderForms(view, p) {
    const members = (p.replicas ?? []).map((r) => r.node);
    const holders = new Set(members);
    const transferable = (p.replicas ?? []).filter((r) => r.node !== p.leader).map((r) => ({
      value: r.node, label: `${r.node} (${r.role})`, disabled: r.role === 'down' || r.role === 'missing',
    }));
    setOptions(this.el.transferTo, transferable, 'no other replica');
    setOptions(this.el.moveFrom, members.map((n) => ({ value: n, label: n })), 'no replica');
    const targets = (view.nodes ?? []).filter((n) => !holders.has(n.id)).map((n) => ({
      value: n.id, label: n.draining ? `${n.id} (draining)` : `${n.id} (${n.health})`,
      disabled: n.health === 'down' || n.draining,
    }));
    setOptions(this.el.moveTo, targets, 'no other node');
    this.el.transfer.querySelector('button').disabled = !transferable.some((o) => !o.disabled);
    this.el.move.querySelector('button').disabled = !targets.some((o) => !o.disabled) || !members.length;
  }
}

function fact(name, value) {
  return [h('dt', {}, name), h('dd', {}, String(value))];
}

function replicaRow(r) {
  return h('tr', { 'data-node': r.node, 'data-role': r.role },
    h('th', { scope: 'row' }, r.node),
    h('td', {}, h('span', { class: `role-tag role-${r.role}` }, r.role)),
    h('td', { class: 'num' }, count(r.commit_index)),
    h('td', { class: 'num' }, count(r.applied_index)),
    h('td', { class: r.lag > 0 ? 'num lagging' : 'num' }, count(r.lag)),
    h('td', { class: 'num' }, count(r.keys)),
    h('td', { class: 'num' }, bytes(r.bytes)),
    h('td', { class: 'num' }, (r.requests_per_sec ?? 0).toFixed(1)));
}

/**
 * setOptions gives select these options (or one saying none, when there are
 * none), rebuilding them only when they change, and keeps the user's choice
 * while it is still offered.
 */
function setOptions(select, options, none) {
  if (!changed(select, options)) return;
  const previous = select.value;
  select.replaceChildren(...options.map((o) =>
    h('option', { value: o.value, disabled: o.disabled }, o.label)));
  if (!options.length) select.append(h('option', { value: '' }, none));
  const keep = options.find((o) => o.value === previous && !o.disabled);
  const first = options.find((o) => !o.disabled);
  select.value = keep ? keep.value : (first ? first.value : '');
  select.disabled = options.length === 0;
}
