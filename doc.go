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
// A client over a balancer or any nodes:
//
//	c, err := kv.NewClient(kv.ClientConfig{Endpoints: []string{"localhost:8081"}})
//	if err != nil {
//		return err
//	}
//	defer c.Close()
//	rev, err := c.Put(ctx, "user/42", []byte("ada"))
//	v, err := c.Get(ctx, "user/42")                    // linearizable
//	v, err = c.GetWith(ctx, "user/42", kv.ReadOptions{Stale: true})
//	_, err = c.CompareAndSwap(ctx, "user/42", []byte("grace"), v.Revision)
//	for item, err := range c.ScanIter(ctx, kv.ScanOptions{Prefix: "user/"}) {
//		// one page at a time, in key order
//	}
//
// With ClientConfig.Controller set, the client follows the controller's
// cluster map and sends each single-key call straight to its partition's
// leader. WithCallInfo reports how a call went: its attempts, and the
// endpoint and node that answered.
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
