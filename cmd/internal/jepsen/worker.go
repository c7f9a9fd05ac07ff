package jepsen

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/treekv/kv"
)

// worker is one client of a workload. Its methods run on its own goroutine.
type worker struct {
	*run
	id     int
	client *kv.Client
	rng    *rand.Rand
	seen   map[string]kv.Value // the last value and revision this client saw per key
	writes int
	info   *kv.CallInfo // how the current operation went, when recorded
}

func (w *worker) loop(ctx context.Context) {
	for {
		n, ok := w.next(ctx)
		if !ok {
			return
		}
		w.one(ctx, w.key(n, w.rng))
	}
}

// one runs one random operation on key, bounded by the operation timeout.
func (w *worker) one(ctx context.Context, key string) {
	ctx, cancel := context.WithTimeout(ctx, w.cfg.OpTimeout)
	defer cancel()
	w.info = &kv.CallInfo{}
	ctx = kv.WithCallInfo(ctx, w.info)
	switch p := w.rng.IntN(100); {
	case p < 40:
		w.get(ctx, key)
	case p < 65:
		w.put(ctx, key)
	case p < 90:
		w.cas(ctx, key)
	default:
		w.delete(ctx, key)
	}
}

func (w *worker) get(ctx context.Context, key string) {
	op := Op{Client: w.id, Kind: KindGet, Key: key}
	call := w.history.Now()
	v, err := w.client.Get(ctx, key)
	switch {
	case err == nil:
		op.Found, op.Output = true, string(v.Data)
		w.seen[key] = v
	case errors.Is(err, kv.ErrNotFound):
		delete(w.seen, key)
	default: // a read that failed changed nothing
		w.history.Fail(w.served(op), call, err)
		w.count(func(s *Stats) { s.Failed++ })
		return
	}
	w.history.Complete(w.served(op), call)
	w.count(func(s *Stats) { s.Known++ })
}

func (w *worker) put(ctx context.Context, key string) {
	op := Op{Client: w.id, Kind: KindPut, Key: key, Value: w.value()}
	call := w.history.Now()
	rev, err := w.client.Put(ctx, key, []byte(op.Value))
	w.learn(key, op.Value, rev, w.finish(op, call, err))
}

func (w *worker) cas(ctx context.Context, key string) {
	op := Op{Client: w.id, Kind: KindCAS, Key: key, Value: w.value()}
	seen, ok := w.seen[key]
	op.Expected, op.ExpectedRevision, op.ExpectAbsent = string(seen.Data), seen.Revision, !ok
	call := w.history.Now()
	rev, err := w.client.CompareAndSwap(ctx, key, []byte(op.Value), seen.Revision)
	if errors.Is(err, kv.ErrConflict) {
		w.finish(op, call, nil) // answered: the swap did not happen
		delete(w.seen, key)
		return
	}
	op.OK = true
	w.learn(key, op.Value, rev, w.finish(op, call, err))
}

func (w *worker) delete(ctx context.Context, key string) {
	op := Op{Client: w.id, Kind: KindDelete, Key: key}
	call := w.history.Now()
	deleted, _, err := w.client.Delete(ctx, key)
	op.Found = deleted
	w.finish(op, call, err)
	delete(w.seen, key)
}

// learn remembers that key holds value at revision after a write that
// applied, and forgets key after one that may not have.
func (w *worker) learn(key, value string, rev uint64, applied bool) {
	if applied {
		w.seen[key] = kv.Value{Data: []byte(value), Revision: rev}
	} else {
		delete(w.seen, key)
	}
}

// finish records a write by the outcome err shows and reports whether it
// certainly applied. A write that certainly did not apply is left out of
// the history; one whose outcome is unknown stays in it, open-ended.
func (w *worker) finish(op Op, call int64, err error) bool {
	op = w.served(op)
	switch {
	case err == nil:
		w.history.Complete(op, call)
		w.count(func(s *Stats) { s.Known++ })
		return true
	case notApplied(err):
		w.history.Fail(op, call, err)
		w.count(func(s *Stats) { s.Failed++ })
	default:
		w.history.Indeterminate(op, call, err)
		w.count(func(s *Stats) { s.Unknown++ })
	}
	return false
}

// served returns op naming the node that answered the current operation,
// when known.
func (w *worker) served(op Op) Op {
	if w.info != nil {
		op.Node = w.info.Node
	}
	return op
}

// notApplied reports whether err says a write certainly did not apply:
// the client found no node to take it and no attempt may have applied.
// Anything else, a deadline included, leaves the outcome unknown.
func notApplied(err error) bool {
	return errors.Is(err, kv.ErrUnavailable) && !errors.Is(err, kv.ErrIndeterminate) &&
		!errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled)
}

// value returns a value no other write of the run writes.
func (w *worker) value() string {
	w.writes++
	return fmt.Sprintf("c%d-%d", w.id, w.writes)
}
