// Command treekv runs a whole treekv system in one process: the default way
// to try it. With no flags it starts 3 storage nodes (HTTP on
// 127.0.0.1:9001-9003, Raft on 127.0.0.1:9101-9103) holding 8 hash
// partitions of 3 replicas each, keeps their data in ./treekv-data, prints
// where to reach them and runs until SIGINT or SIGTERM, then shuts down
// gracefully. Run it again on the same -data-dir to resume.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/treekv/kv"
)

// startTimeout bounds how long the nodes may take to elect every leader.
const startTimeout = time.Minute

func main() {
	cfg, err := parseConfig(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	context.AfterFunc(ctx, stop) // after the first signal, a second one kills at once
	err = run(ctx, cfg, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "treekv:", err)
		os.Exit(1)
	}
}

// run starts the system, tells out where to reach it, and serves until ctx
// ends; then it stops every server and waits for them.
func run(ctx context.Context, cfg config, out io.Writer) error {
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.logLevel}))
	cluster, err := startNodes(ctx, cfg, logger)
	if ctx.Err() != nil {
		logger.Info("interrupted while starting")
		return nil
	}
	if err != nil {
		return err
	}
	// The controller (:8080), the balancer (:8081) and the client web UI
	// (:8082) start here, once the nodes serve, and stop before them.
	printBanner(out, cfg, cluster)
	<-ctx.Done()
	logger.Info("shutting down")
	if err := cluster.Close(); err != nil {
		return fmt.Errorf("stop nodes: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// startNodes starts the storage nodes and waits until every partition has a
// leader, resuming the cluster found in cfg.dataDir if there is one.
func startNodes(ctx context.Context, cfg config, logger *slog.Logger) (*kv.LocalCluster, error) {
	if cfg.dataDir == "" {
		logger.Warn("no -data-dir: data lives in memory and is lost when treekv stops")
	}
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	cluster, err := kv.StartCluster(ctx, kv.ClusterConfig{
		Nodes:      cfg.nodes,
		Partitions: cfg.partitions,
		Replicas:   cfg.replicas,
		DataDir:    cfg.dataDir,
		HTTPAddrs:  cfg.addrs(cfg.httpBasePort),
		RaftAddrs:  cfg.addrs(cfg.raftBasePort),
		Logger:     logger,
	})
	if err != nil {
		return nil, fmt.Errorf("start nodes: %w", err)
	}
	if m := cluster.Map(); len(m.Partitions) != cfg.partitions {
		logger.Warn("the data directory holds a cluster of another shape; it is kept as it was",
			"partitions", len(m.Partitions), "asked", cfg.partitions)
	}
	return cluster, nil
}
