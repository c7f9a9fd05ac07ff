package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// preloadWorkers is how many puts preload keeps in flight.
const preloadWorkers = 64

// cellPlan is one cell to run against a target.
type cellPlan struct {
	workload workload
	clients  int
	repeat   int // 1-based index of the repetition, 0 outside -compare
}

// singleCell is the one cell of a run without -compare.
func singleCell(cfg config) cellPlan {
	return cellPlan{workload: describeWorkload(cfg.reads, cfg.consistency), clients: cfg.clients}
}

// runTarget runs cells against target, starting its servers first with
// -start (and stopping them before it returns), and writes each cell's
// result to stdout as it ends.
func runTarget(ctx context.Context, cfg config, target string, cells []cellPlan, stdout, progress io.Writer) (results []result, err error) {
	endpoints, meter := cfg.endpoints, cpuMeter{pids: cfg.pids}
	if cfg.start {
		l, c, startErr := startTarget(ctx, cfg, target, progress)
		if startErr != nil {
			return nil, startErr
		}
		defer func() { err = errors.Join(err, c.stop(), l.Close()) }()
		endpoints, meter = c.endpoints, cpuMeter{pids: c.pids()}
		cfg.treekv.controller = c.controller
	}
	keys := keyNames(cfg.keys)
	if cfg.preload && needsPreload(cells) {
		fmt.Fprintf(progress, "kvbench: %s: writing %d keys\n", target, len(keys))
		if err := preloadTarget(ctx, cfg, target, endpoints, keys); err != nil {
			return nil, err
		}
	}
	return runCells(ctx, cfg, target, endpoints, meter, keys, cells, stdout, progress)
}

// startTarget starts target's servers under a launcher of its own.
func startTarget(ctx context.Context, cfg config, target string, progress io.Writer) (*launcher, *cluster, error) {
	l, err := newLauncher(cfg.servers, progress)
	if err != nil {
		return nil, nil, err
	}
	fmt.Fprintf(progress, "kvbench: starting %s under %s\n", target, l.base)
	c, err := l.start(ctx, target)
	if err != nil {
		return nil, nil, errors.Join(err, l.Close())
	}
	fmt.Fprintf(progress, "kvbench: %s serving at %s (pids %s)\n", target, strings.Join(c.endpoints, ","), joinInts(c.pids()))
	if c.controller != "" {
		fmt.Fprintf(progress, "kvbench: %s requests go to each partition's leader, from the map of the controller at %s\n", target, c.controller)
	}
	return l, c, nil
}

// runCells runs every cell in turn, each with a store of its own.
func runCells(ctx context.Context, cfg config, target string, endpoints []string, meter cpuMeter,
	keys []string, cells []cellPlan, stdout, progress io.Writer) ([]result, error) {
	var results []result
	for i, cell := range cells {
		fmt.Fprintf(progress, "kvbench: %s %s clients=%d (%d/%d)\n", target, cell.workload.name, cell.clients, i+1, len(cells))
		r, err := runOne(ctx, cfg, target, endpoints, meter, keys, cell)
		if err != nil {
			return results, err
		}
		results = append(results, r)
		if err := writeJSONLine(stdout, r); err != nil {
			return results, err
		}
	}
	return results, nil
}

// runOne opens a store for cell, runs it and closes the store.
func runOne(ctx context.Context, cfg config, target string, endpoints []string, meter cpuMeter,
	keys []string, cell cellPlan) (result, error) {
	st, err := openStore(storeFor(cfg, target, endpoints, cell.clients, cell.workload.consistency))
	if err != nil {
		return result{}, err
	}
	defer st.Close()
	spec := cellSpec{target: target, workload: cell.workload, clients: cell.clients, warmup: cfg.warmup,
		duration: cfg.duration, keys: keys, valueSize: cfg.valueSize, seed: uint64(cell.repeat) + 1}
	r, err := runCell(ctx, st, spec, meter)
	r.Repeat = cell.repeat
	return r, err
}

// storeFor is the configuration of a store of target.
func storeFor(cfg config, target string, endpoints []string, clients int, consistency string) storeConfig {
	return storeConfig{target: target, endpoints: endpoints, stale: consistency == consistencyStale,
		clients: clients, treekv: cfg.treekv, etcd: cfg.etcd}
}

// needsPreload reports whether any cell reads.
func needsPreload(cells []cellPlan) bool {
	for _, c := range cells {
		if c.workload.reads > 0 {
			return true
		}
	}
	return false
}

// preloadTarget writes every key once through a store of its own.
func preloadTarget(ctx context.Context, cfg config, target string, endpoints, keys []string) error {
	st, err := openStore(storeFor(cfg, target, endpoints, preloadWorkers, consistencyLinearizable))
	if err != nil {
		return err
	}
	defer st.Close()
	return preload(ctx, st, preloadSpec{keys: keys, valueSize: cfg.valueSize, workers: preloadWorkers, pause: preloadBackoff})
}

// joinInts formats ns as a comma-separated list, as -pids takes it.
func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}
