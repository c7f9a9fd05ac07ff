package kv

import (
	"context"
	"net/http"
	"strings"
	"sync"

	"github.com/treekv/kv/node"
)

// Batching of routed calls (see ClientConfig.MaxBatch).
const (
	defaultMaxBatch = 128
	// batchSlots is how many requests, single or batched, the client keeps
	// in flight to one node before further calls queue for the next batch.
	batchSlots = 1
	// maxBatchedBody is the largest body of a call that may be batched.
	maxBatchedBody = 64 << 10
	// maxBatchBodies bounds the bodies of one batch, well within a node's
	// default limit on a batch (4 MiB, base64 included).
	maxBatchBodies = 1 << 20
)

// batcher coalesces the concurrent single-key calls bound for one node into
// POST /v1/batch requests. A call goes alone while fewer than batchSlots
// requests are in flight to its node; otherwise it waits, and when a slot
// frees, every call waiting (up to max) leaves in one batch.
type batcher struct {
	c     *Client
	max   int
	mu    sync.Mutex
	nodes map[string]*batchQueue // by base URL
}

// batchQueue is one node's requests in flight and calls waiting.
type batchQueue struct {
	base     string
	inflight int
	pending  []*batchCall
	refused  bool // the node has no batch endpoint: calls go alone
}

// batchCall is one call's attempt, waiting for its batch's answer.
type batchCall struct {
	ctx  context.Context
	a    *apiCall
	idem string
	done chan struct{} // closed when ans or fail is set
	ans  *apiAnswer
	fail *attemptFailure
}

func newBatcher(c *Client, max int) *batcher {
	return &batcher{c: c, max: max, nodes: map[string]*batchQueue{}}
}

// attempt sends one attempt of a to t: in a batch when t was routed from
// the cluster map and a may be batched, else alone.
func (c *Client) attempt(ctx context.Context, t target, a *apiCall, idem string) (*apiAnswer, *attemptFailure) {
	if c.batch != nil && t.routed && a.batchable() {
		return c.batch.do(ctx, t.base, a, idem)
	}
	return c.try(ctx, t.base, a, idem)
}

// batchable reports whether a may travel in a batch: a single-key GET, PUT
// or DELETE whose body is small.
func (a *apiCall) batchable() bool {
	switch a.method {
	case http.MethodGet, http.MethodPut, http.MethodDelete:
	default:
		return false
	}
	return a.routeKey != "" && strings.HasPrefix(a.path, kvPrefix) && len(a.body) <= maxBatchedBody
}

// do sends one attempt of a to base, alone or in a batch.
func (b *batcher) do(ctx context.Context, base string, a *apiCall, idem string) (*apiAnswer, *attemptFailure) {
	b.mu.Lock()
	q := b.queue(base)
	if q.inflight < batchSlots || q.refused {
		q.inflight++
		b.mu.Unlock()
		ans, f := b.c.try(ctx, base, a, idem)
		b.release(q)
		return ans, f
	}
	call := &batchCall{ctx: ctx, a: a, idem: idem, done: make(chan struct{})}
	q.pending = append(q.pending, call)
	b.mu.Unlock()
	select {
	case <-call.done:
		return call.ans, call.fail
	case <-ctx.Done():
		sent := !b.withdraw(q, call)
		return nil, &attemptFailure{err: ctx.Err(), retryable: true, maybeDone: sent}
	}
}

// queue returns base's queue; b.mu is held.
func (b *batcher) queue(base string) *batchQueue {
	q := b.nodes[base]
	if q == nil {
		q = &batchQueue{base: base}
		b.nodes[base] = q
	}
	return q
}

// withdraw takes call out of q if it is still waiting, and reports whether
// it was.
func (b *batcher) withdraw(q *batchQueue, call *batchCall) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, c := range q.pending {
		if c == call {
			q.pending = append(q.pending[:i], q.pending[i+1:]...)
			return true
		}
	}
	return false
}

// release frees the slot of a request that ended: the calls waiting leave
// in a batch that takes the slot over.
func (b *batcher) release(q *batchQueue) {
	if batch := b.next(q); batch != nil {
		go b.run(q, batch)
	}
}

// next takes the calls waiting in q, up to max and maxBatchBodies, keeping
// the slot for them; with none waiting it frees the slot and returns nil.
func (b *batcher) next(q *batchQueue) []*batchCall {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(q.pending) == 0 {
		q.inflight--
		return nil
	}
	n, size := 0, 0
	for n < len(q.pending) && n < b.max && (n == 0 || size+len(q.pending[n].a.body) <= maxBatchBodies) {
		size += len(q.pending[n].a.body)
		n++
	}
	batch := append([]*batchCall(nil), q.pending[:n]...)
	q.pending = append(q.pending[:0], q.pending[n:]...)
	return batch
}

// run sends batch and every batch that follows it on its slot.
func (b *batcher) run(q *batchQueue, batch []*batchCall) {
	for batch != nil {
		b.send(q, batch)
		batch = b.next(q)
	}
}

// send sends batch and answers each of its calls.
func (b *batcher) send(q *batchQueue, batch []*batchCall) {
	if len(batch) == 1 {
		call := batch[0]
		call.finish(b.c.try(call.ctx, q.base, call.a, call.idem))
		return
	}
	results, err, refused := b.c.tryBatch(q.base, batch)
	if refused {
		b.mu.Lock()
		q.refused = true
		b.mu.Unlock()
	}
	switch {
	case results != nil:
		for i, call := range batch {
			call.finish(batchAnswer(results[i], call.a))
		}
	case err != nil:
		for _, call := range batch {
			call.finish(nil, err.of(call.a))
		}
	default: // the node refused the batch as a whole: each call goes alone
		var wg sync.WaitGroup
		for _, call := range batch {
			wg.Go(func() { call.finish(b.c.try(call.ctx, q.base, call.a, call.idem)) })
		}
		wg.Wait()
	}
}

// finish answers the call.
func (call *batchCall) finish(ans *apiAnswer, f *attemptFailure) {
	call.ans, call.fail = ans, f
	close(call.done)
}

// batchOp is a's request in a batch.
func batchOp(a *apiCall, idem string) node.BatchOp {
	path := a.path
	if len(a.query) > 0 {
		path += "?" + a.query.Encode()
	}
	return node.BatchOp{Method: a.method, Path: path, IdempotencyKey: idem, Body: a.body}
}
