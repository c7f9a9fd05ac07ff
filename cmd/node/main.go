// Command node runs one treekv storage node. Start one per machine (or per
// port), each with its own -id and the same -peers list:
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
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/treekv/kv/node"
)

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
	err = run(ctx, cfg)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "node:", err)
		os.Exit(1)
	}
}

// run starts the node, gives it a map if it has none, and serves until ctx
// ends; then it closes the node, waiting for requests in flight.
func run(ctx context.Context, cfg config) error {
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.logLevel}))
	if cfg.dataDir == "" {
		logger.Warn("no -data-dir: data lives in memory and is lost when the node stops; such a node cannot rejoin after a restart")
	}
	n, err := node.New(node.Config{
		ID:          cfg.id,
		HTTPAddr:    cfg.httpAddr,
		RaftAddr:    cfg.raftAddr,
		DataDir:     cfg.dataDir,
		EnablePprof: cfg.pprof,
		Logger:      logger,
	})
	if err != nil {
		return err
	}
	if err := ensureMap(n, cfg, logger); err != nil {
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
