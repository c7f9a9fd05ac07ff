// DOM building and number formatting shared by the dashboard modules.

/**
 * h builds an element. attrs maps attribute names to values (null and false
 * leave an attribute out, true sets it empty); children are nodes or text.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** setText changes el's text only when it differs, to spare the DOM. */
export function setText(el, text) {
  const s = String(text);
  if (el.textContent !== s) el.textContent = s;
}

/**
 * reconcile makes parent's children one element per key, in order: a child
 * whose data-key matches is kept, the rest are made by create(key). It
 * returns the elements in the order of keys.
 */
export function reconcile(parent, keys, create) {
  const old = new Map([...parent.children].map((c) => [c.dataset.key, c]));
  const els = keys.map((key) => {
    const k = String(key);
    const el = old.get(k) ?? create(key);
    old.delete(k);
    el.dataset.key = k;
    return el;
  });
  old.forEach((el) => el.remove());
  els.forEach((el, i) => {
    if (parent.children[i] !== el) parent.insertBefore(el, parent.children[i] ?? null);
  });
  return els;
}

// signatures holds, per element, the JSON of what it shows.
const signatures = new WeakMap();

/**
 * changed reports whether the signature of what el shows differs from the
 * last one recorded for it, and records the new one.
 */
export function changed(el, value) {
  const sig = JSON.stringify(value);
  if (signatures.get(el) === sig) return false;
  signatures.set(el, sig);
  return true;
}

const SIZE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
const INTEGER = new Intl.NumberFormat('en');

/** bytes formats a size in binary units: "0 B", "512 B", "1.5 KiB", "23 MiB". */
export function bytes(n) {
  let v = Number(n) || 0;
  let unit = 0;
  while (v >= 1024 && unit < SIZE_UNITS.length - 1) {
    v /= 1024;
    unit++;
  }
  const digits = unit === 0 || v >= 10 ? 0 : 1;
  return `${v.toFixed(digits)} ${SIZE_UNITS[unit]}`;
}

/** count formats an integer with thousands separators. */
export function count(n) {
  return INTEGER.format(Number(n) || 0);
}

/** rate formats a per-second rate: one decimal below 100, whole above. */
export function rate(n) {
  const v = Number(n) || 0;
  return v >= 100 ? INTEGER.format(Math.round(v)) : v.toFixed(1);
}

/** compact formats an axis value: 950, 1.2k, 3M. */
export function compact(n) {
  if (n >= 1e6) return `${+(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${+(n / 1e3).toFixed(2)}k`;
  return String(+n.toFixed(1));
}

/** parseTime returns the epoch milliseconds of an RFC 3339 time, or 0 for Go's zero time. */
export function parseTime(iso) {
  const t = Date.parse(iso);
  return Number.isFinite(t) && t > Date.UTC(2000, 0, 1) ? t : 0;
}

/** age formats a duration in milliseconds: "4s", "2m 5s", "1h 3m", "2d 4h". */
export function age(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const hr = Math.floor(m / 60);
  if (hr < 24) return `${hr}h ${m % 60}m`;
  return `${Math.floor(hr / 24)}d ${hr % 24}h`;
}

/** clock formats a time as the local HH:MM:SS. */
export function clock(iso) {
  const t = parseTime(iso);
  return t ? new Date(t).toLocaleTimeString('en-GB', { hour12: false }) : '--:--:--';
}

/**
 * tickAges rewrites the text of every element with data-since (epoch ms) as
 * "Ns ago", so ages advance between fetches.
 */
export function tickAges(root = document, now = Date.now()) {
  for (const el of root.querySelectorAll('[data-since]')) {
    const t = Number(el.dataset.since);
    setText(el, t ? `${age(now - t)} ago` : '—');
  }
}
