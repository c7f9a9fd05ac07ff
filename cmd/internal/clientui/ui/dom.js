// Small DOM helpers. Text always goes in through textContent, never as HTML.

// el makes an element with attributes (set with setAttribute) and text.
export function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = String(text);
  return node;
}

export const $ = (sel) => document.querySelector(sel);

// say shows a one-line outcome in a result paragraph, marked ok or error.
export function say(node, ok, text) {
  node.dataset.state = ok ? 'ok' : 'error';
  node.textContent = text;
}

// formatMS shows a latency in milliseconds.
export function formatMS(ms) {
  if (typeof ms !== 'number' || !isFinite(ms)) return '–';
  return ms < 10 ? ms.toFixed(1) + ' ms' : Math.round(ms) + ' ms';
}

// formatSize shows a byte count.
export function formatSize(n) {
  if (n < 1024) return n + ' B';
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KiB';
  return (n / 1024 / 1024).toFixed(1) + ' MiB';
}
