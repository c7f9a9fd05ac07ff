package jepsen

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/treekv/kv"
	"golang.org/x/sync/errgroup"
)

// InsertConfig configures RunInserts. Zero fields take the defaults their
// comments give; Endpoints is required.
type InsertConfig struct {
	// Endpoints are the base URLs the clients talk to; client i starts on
	// endpoint i.
	Endpoints []string
	// Clients is the number of concurrent clients. Default 5.
	Clients int
	// Inserts is the number of keys to insert. Default 300.
	Inserts int
	// Prefix starts every key. Default "set".
	Prefix string
	// MaxAttempts is each kv.Client's attempts per call. Default 20.
	MaxAttempts int
	// OpTimeout bounds each insert, retries included. Default 5s.
	OpTimeout time.Duration
	// MinAcked is the guard: a run with fewer acknowledged inserts fails.
	// Default Inserts/2.
	MinAcked int
}

func (cfg InsertConfig) withDefaults() InsertConfig {
	cfg.Clients = cmpOr(cfg.Clients, 5)
	cfg.Inserts = cmpOr(cfg.Inserts, 300)
	cfg.Prefix = cmpOr(cfg.Prefix, "set")
	cfg.MaxAttempts = cmpOr(cfg.MaxAttempts, 20)
	cfg.OpTimeout = cmpOr(cfg.OpTimeout, 5*time.Second)
	cfg.MinAcked = cmpOr(cfg.MinAcked, cfg.Inserts/2)
	return cfg
}

// RunInserts puts cfg.Inserts distinct keys under cfg.Prefix, each once
// (value = key), from cfg.Clients clients until done or ctx ends, and
// records every insert in h as a put (Inserted sorts them by outcome). It
// fails if fewer than cfg.MinAcked inserts were acknowledged, or if a
// client cannot be built.
func RunInserts(ctx context.Context, h *History, cfg InsertConfig) (Stats, error) {
	cfg = cfg.withDefaults()
	r := &run{cfg: WorkloadConfig{Ops: cfg.Inserts}, history: h}
	var next atomic.Int64
	var wg sync.WaitGroup
	for id := range cfg.Clients {
		client, err := newClient(cfg.Endpoints, id, cfg.MaxAttempts)
		if err != nil {
			wg.Wait()
			return r.stats(), err
		}
		w := &worker{run: r, id: id, client: client}
		wg.Go(func() {
			defer client.Close()
			for n := int(next.Add(1) - 1); n < cfg.Inserts && ctx.Err() == nil; n = int(next.Add(1) - 1) {
				w.insert(ctx, fmt.Sprintf("%s/%05d", cfg.Prefix, n), cfg.OpTimeout)
			}
		})
	}
	wg.Wait()
	if stats := r.stats(); stats.Known < cfg.MinAcked {
		return stats, fmt.Errorf("only %d of %d inserts acknowledged, fewer than %d (%s): the run proves too little", stats.Known, cfg.Inserts, cfg.MinAcked, stats)
	}
	return r.stats(), nil
}

// insert puts key once, bounded by timeout, and records it.
func (w *worker) insert(ctx context.Context, key string, timeout time.Duration) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	op := Op{Client: w.id, Kind: KindPut, Key: key, Value: key}
	call := w.history.Now()
	_, err := w.client.Put(ctx, key, []byte(key))
	w.finish(op, call, err)
}

// Inserted splits the puts of an insert-only history into the keys
// acknowledged and those of unknown outcome.
func Inserted(ops []Op) (acked, unknown []string) {
	for _, op := range ops {
		switch {
		case op.Kind != KindPut:
		case op.Unknown:
			unknown = append(unknown, op.Key)
		default:
			acked = append(acked, op.Key)
		}
	}
	return acked, unknown
}

// ReadSet reads, linearizably, every key under prefix with its version
// (writes since it was created): a scan finds the keys, then a transaction
// per key reads its version. It fails if any read fails.
func ReadSet(ctx context.Context, client *kv.Client, prefix string) (map[string]uint64, error) {
	items, err := client.ScanAll(ctx, kv.ScanOptions{Prefix: prefix})
	if err != nil {
		return nil, fmt.Errorf("scan %q: %w", prefix, err)
	}
	var mu sync.Mutex
	versions := make(map[string]uint64, len(items))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for _, item := range items {
		g.Go(func() error {
			v, err := readVersion(ctx, client, item.Key)
			mu.Lock()
			versions[item.Key] = v
			mu.Unlock()
			return err
		})
	}
	return versions, g.Wait()
}

// readVersion reads key's version with a one-op transaction.
func readVersion(ctx context.Context, client *kv.Client, key string) (uint64, error) {
	resp, err := client.Txn(ctx, kv.TxnRequest{Success: []kv.TxnOp{{Op: "get", Key: key}}})
	if err != nil {
		return 0, fmt.Errorf("read version of %q: %w", key, err)
	}
	if len(resp.Results) != 1 || !resp.Results[0].Found {
		return 0, fmt.Errorf("read version of %q: the key is gone (%+v)", key, resp)
	}
	return resp.Results[0].Version, nil
}
