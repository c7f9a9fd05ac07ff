// Command node runs one treekv storage node.
//
// Under a controller, start each node with its own -id, addresses and
// -data-dir, and the controller's URL:
//
//	node -id n1 -http 127.0.0.1:9001 -raft 127.0.0.1:9101 -data-dir d1 -join http://127.0.0.1:8080
//
// The node joins the controller, heartbeats to it, and gets its partition
// map and replicas from it.
//
// Without a controller, give every node the same -peers list:
//
//	node -id n1 -data-dir d1 -peers n1=127.0.0.1:9001@127.0.0.1:9101,n2=127.0.0.1:9002@127.0.0.1:9102,n3=127.0.0.1:9003@127.0.0.1:9103
//
// A node started without a partition map plans one from -peers (the same
// on every node), installs it and creates its replicas; a node restarted on
// its -data-dir resumes its saved map and replicas. It serves until SIGINT
// or SIGTERM, then shuts down gracefully.
package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/treekv/kv/cmd/internal/cli"
	"github.com/treekv/kv/node"
)

func main() {
	cli.Main("node", parseConfig, run)
}

// run starts the node, gives it a map if it has none and no controller
// does, and serves until ctx ends; then it closes the node, waiting for
// requests in flight.
func run(ctx context.Context, cfg config) error {
	logger := cli.Logger(cfg.logLevel)
	if cfg.dataDir == "" {
		logger.Warn("no -data-dir: data lives in memory and is lost when the node stops; such a node cannot rejoin after a restart")
	}
	n, err := node.New(node.Config{
		ID:                cfg.id,
		HTTPAddr:          cfg.httpAddr,
		RaftAddr:          cfg.raftAddr,
		DataDir:           cfg.dataDir,
		RaftLog:           cfg.raftLog,
		RaftDialRewrite:   cfg.dialRewrite,
		Controller:        cfg.join,
		HeartbeatInterval: cfg.heartbeatInterval,
		Raft:              cfg.raft,
		EnablePprof:       cfg.pprof,
		Logger:            logger,
	})
	if err != nil {
		return err
	}
	if cfg.join != "" {
		logger.Info("joining the controller; it gives this node its partition map and replicas", "controller", cfg.join)
	} else if err := ensureMap(n, cfg, logger); err != nil {
		return errors.Join(err, n.Close())
	}
	<-ctx.Done()
	logger.Info("shutting down")
	if err := n.Close(); err != nil {
		return fmt.Errorf("stop node: %w", err)
	}
	logger.Info("stopped")
	return nil
}
