// Command kvbench measures treekv against etcd and Redis with the same load
// on the same machine: closed-loop clients that put and get values over a
// keyspace, reporting throughput, latency percentiles, errors and the CPU
// time of the servers and of the generator, one JSON line per run.
//
// With -start it runs its own servers on loopback with durable settings (a
// 3-node treekv cluster, by default joined to a controller whose map routes
// each request to its partition's leader, a 3-member etcd cluster, a
// redis-server with appendfsync always) and stops them at the end; with -compare it runs the
// matrix of workloads and client counts against every target in turn,
// repeats it, and prints a table of medians with ratios against etcd. See
// README.md.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/pprof"

	"github.com/treekv/kv/cmd/internal/cli"
)

func main() {
	cli.Main("kvbench", parseConfig, func(ctx context.Context, cfg config) error {
		return run(ctx, cfg, os.Stdout, os.Stderr)
	})
}

// run does what cfg asks: one run, or the comparison. JSON lines and the
// table go to stdout, progress to stderr.
func run(ctx context.Context, cfg config, stdout, stderr io.Writer) error {
	if cfg.cpuProfile != "" {
		stop, err := startCPUProfile(cfg.cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	if cfg.compare {
		return runCompare(ctx, cfg, stdout, stderr)
	}
	_, err := runTarget(ctx, cfg, cfg.target, []cellPlan{singleCell(cfg)}, stdout, stderr)
	return err
}

// startCPUProfile profiles the generator's CPU into the file at path until
// the returned function is called.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("-cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("-cpuprofile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
