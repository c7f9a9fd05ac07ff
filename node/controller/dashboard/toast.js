// Short-lived messages about the results of actions, in #toast.
import { h } from './dom.js';

const MAX_TOASTS = 4;

/** toast shows message as 'ok' or 'error' for a few seconds; a click dismisses it. */
export function toast(message, kind = 'ok') {
  const box = document.getElementById('toast');
  const item = h('div', { class: `toast-item toast-${kind}`, 'data-kind': kind, role: kind === 'error' ? 'alert' : null }, message);
  item.addEventListener('click', () => item.remove());
  box.append(item);
  while (box.children.length > MAX_TOASTS) box.firstElementChild.remove();
  setTimeout(() => item.remove(), kind === 'error' ? 10000 : 5000);
}
