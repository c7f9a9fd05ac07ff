// Calls to the controller API of the page's own origin.

/** ApiError is a failed call, with the code and message the controller gave. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/**
 * request sends one call and returns its JSON answer (null when empty). It
 * throws an ApiError carrying {"error":{"code","message"}} when the answer is
 * not a success, and the fetch error when the controller is unreachable.
 */
async function request(method, url, body, signal) {
  const init = { method, signal, headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(url, init);
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null; // not JSON: the status line says enough
  }
  if (!res.ok) {
    const e = data?.error ?? {};
    throw new ApiError(res.status, e.code ?? `http_${res.status}`, e.message ?? (text.trim() || res.statusText));
  }
  return data;
}

/** getCluster fetches the ClusterView; with wait set, once its version exceeds wait. */
export function getCluster(wait, signal) {
  const url = wait === null || wait === undefined ? '/v1/cluster' : `/v1/cluster?wait=${wait}`;
  return request('GET', url, undefined, signal);
}

const nodePath = (id) => `/v1/nodes/${encodeURIComponent(id)}`;
const partitionPath = (id) => `/v1/partitions/${encodeURIComponent(id)}`;

/** api holds the operator's actions; each returns the controller's answer. */
export const api = {
  drain: (node) => request('POST', `${nodePath(node)}/drain`, {}),
  remove: (node) => request('DELETE', nodePath(node)),
  local: (verb, node) => request('POST', `/v1/local/nodes/${encodeURIComponent(node)}/${verb}`, {}),
  move: (partition, from, to) => request('POST', `${partitionPath(partition)}/move`, { from, to }),
  transfer: (partition, to) => request('POST', `${partitionPath(partition)}/transfer-leader`, { to }),
  rebalance: () => request('POST', '/v1/rebalance', {}),
};
