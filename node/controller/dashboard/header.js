// The page header: cluster version, controller leader, controllers' states.
import { h, changed, setText } from './dom.js';

const $ = (id) => document.getElementById(id);

/** renderHeader shows the view's version, leader and controllers, and titles the page. */
export function renderHeader(view) {
  setText($('version'), view.version);
  setText($('leader'), view.leader || 'none');
  const controllers = view.controllers ?? [];
  if (changed($('controllers'), controllers)) {
    $('controllers').replaceChildren(...controllers.map((c) => h('li', {
      'data-controller': c.id, 'data-state': c.state, title: `${c.http_addr} · raft ${c.raft_addr}`,
    }, h('span', { class: 'dot' }), `${c.id} `, h('span', { class: 'state' }, c.state))));
  }
  const down = (view.nodes ?? []).filter((n) => n.health !== 'up').length;
  document.title = down ? `(${down}) treekv controller` : 'treekv controller';
}

const STATUS_TEXT = { live: 'live', polling: 'polling', offline: 'offline', connecting: 'connecting' };

/** renderStatus shows the connection state: live, polling or offline. */
export function renderStatus(state) {
  const el = $('conn');
  el.dataset.state = state;
  setText(el, STATUS_TEXT[state] ?? state);
  el.title = {
    live: 'streaming events from the controller',
    polling: 'event stream down; polling the controller',
    offline: 'cannot reach the controller; retrying',
  }[state] ?? '';
}
