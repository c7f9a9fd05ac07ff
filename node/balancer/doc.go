// Package balancer is treekv's HTTP load balancer: an http.Handler that
// forwards the data API (/v1/kv/..., /v1/scan, /v1/txn, /v1/batch) to
// healthy storage nodes.
//
// Backends come from a static list, from a controller (long-polling
// GET /v1/cluster?wait=) or from the /v1/backends API. Each backend is
// checked actively (GET /readyz on an interval, with rise and fall
// thresholds as HAProxy counts them) and passively (a connection failure or
// a 5xx answer ejects it for a back-off period, as Envoy's outlier detection
// does). Requests are spread round-robin, to the backend with the fewest
// requests in flight, or straight to the key's partition leader.
//
// A request that fails is retried on another backend: reads after any
// failure, writes always under an Idempotency-Key, which the balancer adds
// to every write that lacks one, so a retried write applies once. A write
// whose outcome stays unknown is answered with the error code
// "indeterminate", never as a plain failure.
package balancer
