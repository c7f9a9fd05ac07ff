// The operator's actions: what each button calls and what its toast says.
import { api } from './api.js';
import { toast } from './toast.js';

const CONFIRM_MS = 4000;

/** ACTIONS maps a data-action to its call and the words of its toasts. */
const ACTIONS = {
  drain: { call: (a) => api.drain(a.node), done: (a) => `${a.node} is draining`, verb: (a) => `drain ${a.node}` },
  remove: { call: (a) => api.remove(a.node), done: (a) => `${a.node} removed`, verb: (a) => `remove ${a.node}` },
  stop: { call: (a) => api.local('stop', a.node), done: (a) => `${a.node} stopped`, verb: (a) => `stop ${a.node}` },
  restart: { call: (a) => api.local('restart', a.node), done: (a) => `${a.node} restarted`, verb: (a) => `restart ${a.node}` },
  isolate: { call: (a) => api.local('isolate', a.node), done: (a) => `${a.node} isolated`, verb: (a) => `isolate ${a.node}` },
  heal: { call: (a) => api.local('heal', a.node), done: (a) => `${a.node} healed`, verb: (a) => `heal ${a.node}` },
  rebalance: { call: () => api.rebalance(), done: (a, res) => rebalanced(res), verb: () => 'rebalance' },
  transfer: {
    call: (a) => api.transfer(a.partition, a.to),
    done: (a) => `P${a.partition}: leadership moving to ${a.to}`,
    verb: (a) => `transfer P${a.partition} to ${a.to}`,
  },
  move: {
    call: (a) => api.move(a.partition, a.from, a.to),
    done: (a) => `P${a.partition}: moving ${a.from} → ${a.to}`,
    verb: (a) => `move P${a.partition} ${a.from} → ${a.to}`,
  },
};

/** rebalanced words the answer of POST /v1/rebalance: {"moves_started": N}. */
function rebalanced(res) {
  const n = res?.moves_started;
  if (typeof n !== 'number') return 'rebalance requested';
  if (n === 0) return 'rebalance: the cluster is balanced, no moves needed';
  return `rebalance: ${n} move${n === 1 ? '' : 's'} started`;
}

/** isAction reports whether name is an action this page knows. */
export function isAction(name) {
  return Object.hasOwn(ACTIONS, name);
}

/**
 * runAction calls action name with args while button is marked busy, shows
 * the outcome in a toast and then calls after(). A destructive action asks
 * for a second click on the same button first.
 */
export async function runAction(name, args, button, after) {
  const action = ACTIONS[name];
  if (name === 'remove' && button && !armed(button)) return;
  setBusy(button, true);
  try {
    const res = await action.call(args);
    toast(action.done(args, res), 'ok');
  } catch (err) {
    toast(`Could not ${action.verb(args)}: ${err.message}`, 'error');
  } finally {
    setBusy(button, false);
    after();
  }
}

/** armed reports whether button was clicked once already; if not, it asks for confirmation. */
function armed(button) {
  if (button.dataset.confirm === 'true') return true;
  const label = button.textContent;
  button.dataset.confirm = 'true';
  button.textContent = 'Confirm?';
  setTimeout(() => {
    delete button.dataset.confirm;
    button.textContent = label;
  }, CONFIRM_MS);
  return false;
}

function setBusy(button, busy) {
  if (!button) return;
  button.dataset.busy = String(busy);
  button.disabled = busy;
}
