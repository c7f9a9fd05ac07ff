// The value viewer: a value shown as text, as pretty JSON when it parses as
// JSON, or as hex (always available, the only view of a binary value).
import { $, formatSize } from './dom.js';

const HEX_LIMIT = 64 * 1024; // bytes shown in hex; the rest is elided

let current = null; // { bytes, text, json } of the value shown

// show displays the answer of GET /api/kv/{key}.
export function show(body) {
  const bytes = decodeBase64(body.value || '');
  current = { bytes, text: body.is_text ? body.text || '' : null, json: prettyJSON(body) };
  $('#value-key').textContent = body.key;
  $('#value-revision').textContent = String(body.revision);
  $('#value-size').textContent = formatSize(bytes.length);
  $('#value-node').textContent = (body.call && body.call.node) || '–';
  $('#viewer').dataset.state = 'value';
  setFormats();
  render(current.json !== null ? 'json' : current.text !== null ? 'text' : 'hex');
}

// clear empties the viewer, marking why (missing, error).
export function clear(state, key) {
  current = null;
  for (const id of ['#value-revision', '#value-size', '#value-node']) $(id).textContent = '–';
  $('#value-key').textContent = key || '–';
  $('#viewer').dataset.state = state;
  $('#value-text').textContent = '';
  $('#value-text').dataset.format = '';
  setFormats();
}

// start wires the format buttons.
export function start() {
  for (const b of document.querySelectorAll('#viewer [data-format]')) {
    if (b.tagName === 'BUTTON') b.addEventListener('click', () => current && render(b.dataset.format));
  }
  clear('empty');
}

function setFormats() {
  const available = { text: current && current.text !== null, json: current && current.json !== null, hex: !!current };
  for (const b of document.querySelectorAll('#viewer button[data-format]')) b.disabled = !available[b.dataset.format];
}

function render(format) {
  const pre = $('#value-text');
  pre.dataset.format = format;
  pre.textContent = format === 'json' ? current.json : format === 'text' ? current.text : hexDump(current.bytes);
  for (const b of document.querySelectorAll('#viewer button[data-format]')) {
    b.setAttribute('aria-pressed', String(b.dataset.format === format));
  }
}

function prettyJSON(body) {
  if (!body.is_text) return null;
  const t = (body.text || '').trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return null;
  try {
    return JSON.stringify(JSON.parse(t), null, 2);
  } catch {
    return null;
  }
}

function decodeBase64(b64) {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

// hexDump shows bytes 16 to a line: offset, hex, printable ASCII.
function hexDump(bytes) {
  const lines = [];
  const n = Math.min(bytes.length, HEX_LIMIT);
  for (let off = 0; off < n; off += 16) {
    const row = bytes.subarray(off, Math.min(off + 16, n));
    const hex = Array.from(row, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(off.toString(16).padStart(8, '0') + '  ' + hex.padEnd(47) + '  ' + ascii);
  }
  if (bytes.length > n) lines.push(`… ${bytes.length - n} more bytes`);
  return lines.join('\n');
}
