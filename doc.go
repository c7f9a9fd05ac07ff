// Package kv is treekv: a distributed key-value store that Go programs import.
//
// Keys are non-empty strings, values are byte slices, and every key carries a
// mod revision: the Raft index of the write that last changed it. The
// keyspace is split into partitions, each one Raft group replicated on
// several nodes, and every node (and the balancer in front of them) serves
// the same HTTP data API.
//
// Client is the Go API for that data API. Single-key reads and writes are
// linearizable; GetStale and stale scans trade that for speed and may be
// served by any replica. A transaction is atomic when all its keys share one
// partition, and is refused otherwise. The client retries what is safe to
// retry (unreachable nodes, unavailable partitions, writes of unknown
// outcome) across its endpoints with backoff, and sends each write with an
// idempotency key so that a retried write applies once.
//
// Errors match the sentinels of this package with errors.Is, whichever layer
// produced them:
//
//	_, err := c.Get(ctx, "user/42")
//	switch {
//	case errors.Is(err, kv.ErrNotFound):
//		// the key is absent
//	case errors.Is(err, kv.ErrIndeterminate):
//		// a write that may or may not have applied
//	}
package kv
