// Command controller runs a treekv controller: the cluster's placement
// driver, with its API and live dashboard on http://127.0.0.1:8080.
//
// With no flags it also runs 3 storage nodes in the same process (HTTP on
// 127.0.0.1:9001-9003, Raft on 127.0.0.1:9101-9103) that join it, so the
// dashboard shows a healthy 3-node cluster whose nodes it can stop, restart
// and cut off. With -nodes 0 it runs alone and storage nodes join it from
// elsewhere (cmd/node -join http://127.0.0.1:8080); with -join URL it joins
// the controller group of a running controller instead, for a group of 3.
// It keeps its state in DATA/<id> and its nodes' data in DATA/n1, DATA/n2,
// ... (DATA is -data-dir, ./treekv-data by default), prints where to reach
// everything and runs until SIGINT or SIGTERM, then shuts down gracefully.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/treekv/kv"
	"github.com/treekv/kv/cmd/internal/cli"
	"github.com/treekv/kv/cmd/internal/local"
)

func main() {
	cli.Main("controller", parseConfig, func(ctx context.Context, cfg config) error {
		return run(ctx, cfg, os.Stdout)
	})
}

// run starts the controller (and its embedded nodes), tells out where to
// reach it, and serves until ctx ends; then it stops everything it started
// and waits for it.
func run(ctx context.Context, cfg config, out io.Writer) error {
	logger := cli.Logger(cfg.logLevel)
	if cfg.system.Nodes > 0 {
		return local.Run(ctx, cfg.system, logger, out)
	}
	return runAlone(ctx, cfg.system, logger, out)
}

// runAlone runs the controller without nodes of its own.
func runAlone(ctx context.Context, s local.Config, logger *slog.Logger, out io.Writer) error {
	ctl, err := kv.NewCluster(aloneConfig(s, logger))
	if err != nil {
		return fmt.Errorf("start the controller: %w", err)
	}
	printAloneBanner(out, s, ctl)
	<-ctx.Done()
	logger.Info("shutting down")
	if err := ctl.Close(); err != nil {
		return fmt.Errorf("stop the controller: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// aloneConfig is the controller's configuration when it runs alone: its
// state in DataDir/<id>, the map's shape from the flags.
func aloneConfig(s local.Config, logger *slog.Logger) kv.ControllerConfig {
	cc := s.Controller
	cc.Partitions, cc.Replicas, cc.Raft, cc.Logger = s.Partitions, s.Replicas, s.Raft, logger
	if s.DataDir != "" {
		cc.DataDir = filepath.Join(s.DataDir, cc.ID)
	} else {
		logger.Warn("no -data-dir: the controller's state lives in memory and is lost on exit")
	}
	return cc
}
