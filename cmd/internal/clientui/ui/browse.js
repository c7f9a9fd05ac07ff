// The key browser: keys by prefix, a page at a time, "More" for the next.
import * as api from './api.js';
import { $, el, formatSize } from './dom.js';
import { record } from './oplog.js';

const PAGE = 50;

// state of the listing: the prefix shown, the cursor of the next page, and
// whether anything was listed yet.
const state = { prefix: '', next: '', listed: false };

let onPick = () => {};

// start wires the browse form; pick(key) is called when a key is chosen.
export function start(pick) {
  onPick = pick;
  $('#browse-form').addEventListener('submit', (e) => {
    e.preventDefault();
    list($('#browse-prefix').value, '');
  });
  $('#browse-more').addEventListener('click', () => list(state.prefix, state.next));
}

// refresh lists the current prefix again after key changed, when the
// listing shows that prefix.
export function refresh(key) {
  if (state.listed && key.startsWith(state.prefix)) list(state.prefix, '');
}

async function list(prefix, cursor) {
  const ans = await api.scan(prefix, cursor, PAGE);
  record('scan', prefix, ans);
  const ul = $('#keys');
  if (!cursor) ul.replaceChildren();
  if (!ans.ok) {
    ul.replaceChildren(el('li', { class: 'error' }, api.errorText(ans)));
    $('#browse-more').hidden = true;
    return;
  }
  Object.assign(state, { prefix, next: ans.body.next || '', listed: true });
  for (const item of ans.body.items || []) ul.append(keyItem(item));
  $('#keys-empty').hidden = ul.children.length > 0;
  $('#browse-more').hidden = !state.next;
}

function keyItem(item) {
  const li = el('li', { 'data-key': item.key });
  const button = el('button', { type: 'button', class: 'key-name', title: 'show ' + item.key }, item.key);
  button.addEventListener('click', () => onPick(item.key));
  const meta = el('span', { class: 'key-meta' }, `rev ${item.revision} · ${formatSize(item.size)}`);
  li.append(button, meta);
  if (item.preview) li.append(el('span', { class: 'key-preview' }, item.preview));
  return li;
}
