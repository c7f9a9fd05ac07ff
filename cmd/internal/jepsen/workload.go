package jepsen

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/treekv/kv"
)

// WorkloadConfig configures RunWorkload. Zero fields take the defaults
// their comments give; Endpoints is required.
type WorkloadConfig struct {
	// Endpoints are the base URLs the clients talk to; client i starts on
	// endpoint i, so reads reach every node.
	Endpoints []string
	// Clients is the number of concurrent clients, each with its own
	// kv.Client unless Shared. Default 5.
	Clients int
	// Pinned adds one client per endpoint listed, after the Clients others
	// (so with IDs from Clients on), that talks to that endpoint alone: to
	// keep sending requests to a node cut off from its peers.
	Pinned []string
	// Ops is the number of operations of the whole run. Default 600.
	Ops int
	// Keys is the number of keys in play at once, and RotateEvery the
	// number of operations after which the run moves to fresh keys, so that
	// each key's history stays short to check. Defaults 3 and 100.
	Keys, RotateEvery int
	// Prefix starts every key of the run. Default "jepsen".
	Prefix string
	// Seed seeds the clients' random choices.
	Seed uint64
	// MaxAttempts is each kv.Client's attempts per call. Default 20.
	MaxAttempts int
	// OpTimeout bounds each operation, retries included. Default 5s.
	OpTimeout time.Duration
	// MinKnown is the guard: a run with fewer operations of known outcome
	// proves too little and fails. Default Ops/2.
	MinKnown int
	// Controller, when set, makes the clients (the pinned ones aside)
	// partition-aware: each kv.Client follows the cluster map of the
	// controller at this base URL (or comma-separated URLs) and sends every
	// call to its key's partition leader, with Endpoints as the fallback
	// list. Empty means plain clients of Endpoints.
	Controller string
	// Shared makes the clients (the pinned ones aside) share one kv.Client,
	// built as client 0's would be, instead of one each. With Controller
	// set, concurrent calls bound for one node then leave together in
	// batches (kv.ClientConfig.MaxBatch, at its default).
	Shared bool
	// HTTPClient, when set, sends the requests of the clients (the pinned
	// ones aside), their fetches of the cluster map included, so that a
	// test may put faults on the way. Nil means each kv.Client's own.
	HTTPClient *http.Client
}

func (cfg WorkloadConfig) withDefaults() WorkloadConfig {
	cfg.Clients = cmpOr(cfg.Clients, 5)
	cfg.Ops = cmpOr(cfg.Ops, 600)
	cfg.Keys = cmpOr(cfg.Keys, 3)
	cfg.RotateEvery = cmpOr(cfg.RotateEvery, 100)
	cfg.MaxAttempts = cmpOr(cfg.MaxAttempts, 20)
	cfg.OpTimeout = cmpOr(cfg.OpTimeout, 5*time.Second)
	cfg.MinKnown = cmpOr(cfg.MinKnown, cfg.Ops/2)
	if cfg.Prefix == "" {
		cfg.Prefix = "jepsen"
	}
	return cfg
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// Stats counts the operations of a run by outcome: known (answered),
// unknown (may or may not have applied) and failed (certainly did not
// apply, so left out of the history).
type Stats struct {
	Known, Unknown, Failed int
}

// String gives the counts.
func (s Stats) String() string {
	return fmt.Sprintf("%d known, %d unknown, %d failed", s.Known, s.Unknown, s.Failed)
}

// RunWorkload runs random gets, puts, compare-and-swaps and deletes of
// unique values from cfg.Clients clients until cfg.Ops operations were
// issued or ctx ends, recording them in h as they complete (so h.Len shows
// progress). It fails if fewer than cfg.MinKnown operations had a known
// outcome, or if a client cannot be built.
func RunWorkload(ctx context.Context, h *History, cfg WorkloadConfig) (Stats, error) {
	cfg = cfg.withDefaults()
	r := &run{cfg: cfg, history: h}
	workers, err := r.newWorkers()
	if err != nil {
		return Stats{}, err
	}
	defer closeWorkers(workers)
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Go(func() { w.loop(ctx) })
	}
	wg.Wait()
	stats := r.stats()
	if stats.Known < cfg.MinKnown {
		return stats, fmt.Errorf("only %d operations of known outcome, fewer than %d (%s): the run proves too little", stats.Known, cfg.MinKnown, stats)
	}
	return stats, nil
}

// run is the state the workers of one RunWorkload share.
type run struct {
	cfg     WorkloadConfig
	history *History
	issued  atomic.Int64
	mu      sync.Mutex
	counts  Stats
}

func (r *run) newWorkers() ([]*worker, error) {
	clients, err := r.newClients()
	if err != nil {
		return nil, err
	}
	workers := make([]*worker, len(clients))
	for id, client := range clients {
		workers[id] = &worker{run: r, id: id, client: client,
			rng: rand.New(rand.NewPCG(r.cfg.Seed, uint64(id))), seen: map[string]kv.Value{}}
	}
	return workers, nil
}

// newClients returns the client of each worker.
func (r *run) newClients() ([]*kv.Client, error) {
	clients := make([]*kv.Client, r.cfg.Clients+len(r.cfg.Pinned))
	for id := range clients {
		client, err := r.clientFor(id, clients[:id])
		if err != nil {
			closeClients(clients[:id])
			return nil, err
		}
		clients[id] = client
	}
	return clients, nil
}

// clientFor returns worker id's client, given the clients of the workers
// before it: a pinned worker's own, else its own or, when cfg.Shared, the
// one of worker 0.
func (r *run) clientFor(id int, before []*kv.Client) (*kv.Client, error) {
	switch {
	case id >= r.cfg.Clients:
		return newClient(r.cfg.Pinned[id-r.cfg.Clients:id-r.cfg.Clients+1], id, r.cfg.MaxAttempts)
	case r.cfg.Shared && id > 0:
		return before[0], nil
	}
	return newRoutedClient(r.cfg.Endpoints, id, r.cfg.MaxAttempts, kv.ClientConfig{
		Controller: r.cfg.Controller, HTTPClient: r.cfg.HTTPClient})
}

// closeClients closes every client; a shared one is closed more than once,
// which kv.Client allows.
func closeClients(clients []*kv.Client) {
	for _, c := range clients {
		c.Close()
	}
}

func closeWorkers(workers []*worker) {
	for _, w := range workers {
		w.client.Close()
	}
}

// newClient returns a patient client whose calls start on endpoint id.
func newClient(endpoints []string, id, attempts int) (*kv.Client, error) {
	return newRoutedClient(endpoints, id, attempts, kv.ClientConfig{})
}

// newRoutedClient returns a patient client whose calls start on endpoint
// id, with the Controller and HTTPClient of cfg: when its Controller is
// set, calls go first to their partition's leader as that controller's map
// names it.
func newRoutedClient(endpoints []string, id, attempts int, cfg kv.ClientConfig) (*kv.Client, error) {
	if len(endpoints) == 0 {
		return nil, fmt.Errorf("no endpoints")
	}
	cfg.Endpoints = append(append([]string{}, endpoints[id%len(endpoints):]...), endpoints[:id%len(endpoints)]...)
	cfg.MaxAttempts, cfg.BaseBackoff, cfg.MaxBackoff = attempts, 10*time.Millisecond, 200*time.Millisecond
	return kv.NewClient(cfg)
}

// next claims the next operation number, or reports that the run is done.
func (r *run) next(ctx context.Context) (int, bool) {
	n := int(r.issued.Add(1) - 1)
	return n, n < r.cfg.Ops && ctx.Err() == nil
}

// key picks one of the keys in play at operation n.
func (r *run) key(n int, rng *rand.Rand) string {
	return fmt.Sprintf("%s/%d/%d", r.cfg.Prefix, n/r.cfg.RotateEvery, rng.IntN(r.cfg.Keys))
}

func (r *run) count(add func(*Stats)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	add(&r.counts)
}

func (r *run) stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.counts
}
