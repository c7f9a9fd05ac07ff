// Keeps the page's ClusterView current: server-sent events trigger a
// debounced re-fetch, a long-poll on ?wait=VERSION catches what the stream
// misses, and a slow periodic fetch samples the load for the chart.
import { getCluster } from './api.js';

/** EVENT_KINDS are the event names GET /v1/events sends. */
export const EVENT_KINDS = [
  'node_joined', 'node_up', 'node_suspect', 'node_down', 'node_draining', 'node_removed',
  'leader_changed', 'controller_leader', 'move_started', 'move_finished', 'move_failed',
  'leader_transfer', 'local_action', 'map_planned', 'controller_joined',
];

const DEBOUNCE_MS = 200;
const SAMPLE_MS = 2000;
const RETRY_MS = 2000;
const FETCH_TIMEOUT_MS = 10000;
const POLL_TIMEOUT_MS = 45000;

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Live fetches views and hands each accepted one to onView, each streamed
 * event to onEvent, and the connection state ('live', 'polling', 'offline')
 * to onStatus. A view is accepted when it is newer than the one shown, or
 * when it answers a request issued after the one shown was answered (so a
 * restarted controller whose version starts again is still followed).
 */
export class Live {
  constructor({ onView, onEvent, onStatus }) {
    Object.assign(this, { onView, onEvent, onStatus });
    this.view = null;
    this.issued = 0;
    this.applied = 0;
    this.timer = 0;
    this.fetchOK = null;
    this.streamOpen = false;
  }

  /** start begins the stream, the long-poll and the sampling. */
  start() {
    this.connect();
    this.refresh().finally(() => this.longPoll());
    setInterval(() => {
      if (!document.hidden) this.refresh();
    }, SAMPLE_MS);
  }

  /** soon re-fetches the view once, DEBOUNCE_MS after the first call. */
  soon() {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = 0;
      this.refresh();
    }, DEBOUNCE_MS);
  }

  async refresh() {
    const seq = ++this.issued;
    try {
      this.accept(await getCluster(null, AbortSignal.timeout(FETCH_TIMEOUT_MS)), seq);
    } catch {
      this.setFetchOK(false);
    }
  }

  async longPoll() {
    for (;;) {
      const version = this.view?.version;
      if (version === undefined) {
        await pause(RETRY_MS);
        continue;
      }
      const started = Date.now();
      try {
        const view = await getCluster(version, AbortSignal.timeout(POLL_TIMEOUT_MS));
        this.accept(view, ++this.issued); // answered now, so as new as any
        if (view.version === version && Date.now() - started < 1000) await pause(RETRY_MS);
      } catch {
        this.setFetchOK(false);
        await pause(RETRY_MS);
      }
    }
  }

  accept(view, seq) {
    this.setFetchOK(true);
    if (!view || typeof view.version !== 'number') return;
    const current = this.view;
    if (current && view.version <= current.version && seq <= this.applied) return;
    this.view = view;
    this.applied = Math.max(this.applied, seq);
    this.onView(view);
  }

  connect() {
    const stream = new EventSource('/v1/events');
    stream.onopen = () => {
      this.streamOpen = true;
      this.report();
      this.soon();
    };
    stream.onerror = () => {
      this.streamOpen = false;
      this.report();
      if (stream.readyState === EventSource.CLOSED) setTimeout(() => this.connect(), RETRY_MS * 2);
    };
    const handle = (msg) => this.received(msg);
    EVENT_KINDS.forEach((kind) => stream.addEventListener(kind, handle));
    stream.onmessage = handle;
  }

  received(msg) {
    let ev;
    try {
      ev = JSON.parse(msg.data);
    } catch {
      return; // not an Event: nothing to show
    }
    if (!ev.kind && msg.type !== 'message') ev.kind = msg.type;
    this.onEvent(ev);
    this.soon();
  }

  setFetchOK(ok) {
    if (this.fetchOK === ok) return;
    this.fetchOK = ok;
    this.report();
  }

  report() {
    if (this.fetchOK === null) return;
    if (!this.fetchOK) this.onStatus('offline');
    else this.onStatus(this.streamOpen ? 'live' : 'polling');
  }
}
