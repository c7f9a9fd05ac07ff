package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/treekv/kv"
)

// StartTimeout bounds how long the system may take to elect every leader.
const StartTimeout = time.Minute

// Run starts the system (the cluster, then the balancer and the client UI
// when cfg asks for them), prints the banner to out, and serves until ctx
// ends; then it stops the UI, the balancer, and the nodes and the
// controller, in that order, and waits for them. A ctx that ends while the
// system starts is a clean stop, not an error.
func Run(ctx context.Context, cfg Config, logger *slog.Logger, out io.Writer) error {
	cluster, f, err := startAll(ctx, cfg, logger)
	if err != nil {
		if ctx.Err() != nil {
			logger.Info("interrupted while starting")
			return nil
		}
		return err
	}
	PrintBanner(out, cfg, cluster, f.addrs())
	<-ctx.Done()
	logger.Info("shutting down")
	if err := stopAll(f, cluster); err != nil {
		return fmt.Errorf("stop: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// startAll starts the cluster and what runs in front of it. On error it
// stops what it started.
func startAll(ctx context.Context, cfg Config, logger *slog.Logger) (*kv.LocalCluster, *front, error) {
	cluster, err := Start(ctx, cfg, logger)
	if err != nil {
		return nil, nil, err
	}
	f, err := startFront(ctx, cfg, cluster, logger)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, nil, errors.Join(err, stopAll(f, cluster))
	}
	return cluster, f, nil
}

// stopAll stops the front's servers (f may be nil), then the cluster.
func stopAll(f *front, cluster *kv.LocalCluster) error {
	var err error
	if f != nil {
		err = f.stop()
	}
	return errors.Join(err, cluster.Close())
}

// Start starts the controller and the nodes, which join it, and returns
// once every partition has a leader (within StartTimeout). A DataDir
// holding an earlier run resumes it, in the shape it was created with.
func Start(ctx context.Context, cfg Config, logger *slog.Logger) (*kv.LocalCluster, error) {
	if cfg.Nodes < 1 {
		return nil, fmt.Errorf("-nodes (%d) must be at least 1 to run nodes in this process", cfg.Nodes)
	}
	if cfg.DataDir == "" {
		logger.Warn("no -data-dir: data lives in memory and is lost on exit; stopped nodes cannot be restarted")
	}
	ctx, cancel := context.WithTimeout(ctx, StartTimeout)
	defer cancel()
	cluster, err := kv.StartCluster(ctx, cfg.clusterConfig(logger))
	if err != nil {
		return nil, fmt.Errorf("start the controller and nodes: %w", err)
	}
	if m := cluster.Map(); len(m.Partitions) != cfg.Partitions {
		logger.Warn("the data directory holds a cluster of another shape; it is kept as it was",
			"partitions", len(m.Partitions), "asked", cfg.Partitions)
	}
	return cluster, nil
}
