package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"golang.org/x/sync/errgroup"
)

// Retries of a preload put that failed, as while a partition elects a
// leader: up to preloadAttempts tries, with a pause that doubles from
// preloadBackoff (from about 3s in all).
const (
	preloadAttempts = 8
	preloadBackoff  = 25 * time.Millisecond
)

// preloadSpec says what preload writes and how.
type preloadSpec struct {
	keys      []string
	valueSize int
	workers   int           // puts in flight
	pause     time.Duration // before the first retry of a put; doubles after
}

// preload writes every key once, with workers in parallel, so that the
// gets of a run find their keys.
func preload(ctx context.Context, st store, spec preloadSpec) error {
	value := newValue(rand.New(rand.NewPCG(1, 1)), spec.valueSize)
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(spec.workers)
	for _, k := range spec.keys {
		g.Go(func() error { return putRetrying(ctx, st, k, value, spec.pause) })
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("preload: %w", err)
	}
	return nil
}

// putRetrying writes key, trying again after a pause when it fails.
func putRetrying(ctx context.Context, st store, key string, value []byte, pause time.Duration) error {
	for attempt := 1; ; attempt++ {
		err := st.Put(ctx, key, value)
		if err == nil || attempt == preloadAttempts {
			return err
		}
		if err := sleepUntil(ctx, time.Now().Add(pause)); err != nil {
			return err
		}
		pause *= 2
	}
}
