// The live event log, newest first.
import { h, clock } from './dom.js';

const MAX_EVENTS = 200;

/**
 * EventLog shows streamed events as <li data-kind data-seq> in list, newest
 * first, at most MAX_EVENTS. An event seen before (the server replays recent
 * events when the stream reconnects) is shown once.
 */
export class EventLog {
  constructor(list, empty, counter) {
    Object.assign(this, { list, empty, counter });
    this.seen = new Set();
    this.total = 0;
  }

  add(ev) {
    const key = `${ev.seq}|${ev.time}|${ev.kind}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.total++;
    this.list.prepend(h('li', { 'data-kind': ev.kind, 'data-seq': ev.seq, 'data-key': key },
      h('time', { datetime: ev.time }, clock(ev.time)),
      h('span', { class: 'kind' }, String(ev.kind ?? '').replaceAll('_', ' ')),
      h('span', { class: 'msg' }, ev.message ?? '')));
    while (this.list.children.length > MAX_EVENTS) {
      this.seen.delete(this.list.lastElementChild.dataset.key);
      this.list.lastElementChild.remove();
    }
    this.empty.hidden = true;
    this.counter.textContent = String(this.total);
  }
}
