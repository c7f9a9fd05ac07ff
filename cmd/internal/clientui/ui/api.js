// The page's calls to its own JSON endpoints. Every answer resolves, never
// rejects: {ok, status, body, elapsed}, where body is the JSON answer (an
// {error: {code, message}} on failure, including a network failure).

// Mutating requests carry this header; the server refuses them without it.
const MUTATION_HEADERS = { 'X-Requested-With': 'treekv-ui' };

export async function call(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' }, cache: 'no-store', credentials: 'same-origin' };
  if (method !== 'GET') Object.assign(init.headers, MUTATION_HEADERS);
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const started = performance.now();
  try {
    const res = await fetch(path, init);
    return { ok: res.ok, status: res.status, body: await readJSON(res), elapsed: performance.now() - started };
  } catch (err) {
    const body = { error: { code: 'network', message: 'the UI server did not answer: ' + err.message } };
    return { ok: false, status: 0, body, elapsed: performance.now() - started };
  }
}

async function readJSON(res) {
  try {
    return await res.json();
  } catch {
    return { error: { code: 'bad_answer', message: `the server answered ${res.status} without JSON` } };
  }
}

// keyPath is the endpoint of one key; every character of the key, "/"
// included, is percent-encoded. A URL path cannot carry the keys "." and
// "..", so they go in the query.
export function keyPath(key) {
  if (key === '.' || key === '..') return '/api/kv?key=' + encodeURIComponent(key);
  return '/api/kv/' + encodeURIComponent(key);
}

export const getKey = (key) => call('GET', keyPath(key));
export const putKey = (key, value) => call('PUT', keyPath(key), { value });
export const casKey = (key, value, ifRevision) => call('PUT', keyPath(key), { value, if_revision: ifRevision });
export const deleteKey = (key) => call('DELETE', keyPath(key));
export const health = () => call('GET', '/api/health');

export function scan(prefix, cursor, limit) {
  const q = new URLSearchParams({ prefix, limit: String(limit) });
  if (cursor) q.set('cursor', cursor);
  return call('GET', '/api/scan?' + q.toString());
}

// errorText describes a failed answer in a line.
export function errorText(ans) {
  const e = (ans.body && ans.body.error) || {};
  return `${e.code || 'error'}: ${e.message || 'HTTP ' + ans.status}`;
}
