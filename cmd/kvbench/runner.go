package main

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
)

// drainGrace bounds how long operations in flight at the end of a run may
// take before they are canceled.
const drainGrace = 10 * time.Second

// cellSpec is one measured run of a workload against a target.
type cellSpec struct {
	target    string
	workload  workload
	clients   int
	warmup    time.Duration
	duration  time.Duration
	keys      []string
	valueSize int
	seed      uint64
}

// runCell loads st with spec.clients workers for spec.warmup plus
// spec.duration, and measures the operations that start in the last
// spec.duration: their count, errors, latencies and the CPU time meter
// measures in that window. It returns ctx's error if ctx ends first.
func runCell(ctx context.Context, st store, spec cellSpec, meter cpuMeter) (result, error) {
	from := time.Now().Add(spec.warmup)
	until := from.Add(spec.duration)
	cellCtx, cancel := context.WithDeadline(ctx, until.Add(drainGrace))
	defer cancel()
	workers := make([]*worker, spec.clients)
	var wg sync.WaitGroup
	for i := range workers {
		workers[i] = newWorker(spec, uint64(i), from, until)
		wg.Go(func() { workers[i].run(cellCtx, st) })
	}
	used, cpuErr := meter.window(ctx, from, until)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return result{}, err
	}
	return summarize(spec, workers, used, cpuErr), nil
}

// worker is one client of a run: it sends one operation at a time and
// keeps its own counts, merged when the run ends.
type worker struct {
	rng         *rand.Rand
	mix         mix
	keys        []string
	value       []byte
	from, until time.Time
	hist        histogram
	ops         int64 // succeeded in the measured window
	misses      int64 // gets that found no key, among ops
	errors      int64
	firstErr    error
}

// newWorker returns worker i of spec, measuring from from to until.
func newWorker(spec cellSpec, i uint64, from, until time.Time) *worker {
	rng := rand.New(rand.NewPCG(spec.seed, i))
	return &worker{
		rng:   rng,
		mix:   mix{reads: spec.workload.reads},
		keys:  spec.keys,
		value: newValue(rng, spec.valueSize),
		from:  from,
		until: until,
	}
}

// run sends operations until the window closes or ctx ends, counting those
// that start inside the window.
func (w *worker) run(ctx context.Context, st store) {
	for ctx.Err() == nil {
		start := time.Now()
		if !start.Before(w.until) {
			return
		}
		found, err := w.do(ctx, st)
		if start.Before(w.from) {
			continue
		}
		w.account(time.Since(start), found, err)
	}
}

// do sends the next operation on a key drawn uniformly.
func (w *worker) do(ctx context.Context, st store) (found bool, err error) {
	key := w.keys[w.rng.IntN(len(w.keys))]
	if w.mix.next(w.rng) == opGet {
		return st.Get(ctx, key)
	}
	return true, st.Put(ctx, key, w.value)
}

// account counts one operation of the measured window.
func (w *worker) account(latency time.Duration, found bool, err error) {
	if err != nil {
		w.errors++
		if w.firstErr == nil {
			w.firstErr = err
		}
		return
	}
	w.ops++
	if !found {
		w.misses++
	}
	w.hist.record(latency)
}
