// Command load-balancer serves treekv's load balancer on
// http://127.0.0.1:8081: the data API forwarded to healthy storage nodes,
// with health checks, passive ejection, retries and failover, a live status
// page at "/", the backend API (/v1/backends), /v1/status, /healthz,
// /readyz and /metrics.
//
// By default it learns the nodes and partition leaders from the controller
// at http://localhost:8080; -backends gives a static list of nodes, with or
// without a controller (-controller "" turns the controller off). It prints
// where to reach it and runs until SIGINT or SIGTERM, then shuts down
// gracefully. See README.md for the flags, policies and failover rules.
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"

	"github.com/treekv/kv"
	"github.com/treekv/kv/cmd/internal/cli"
)

func main() {
	cli.Main("load-balancer", parseConfig, func(ctx context.Context, cfg config) error {
		return run(ctx, cfg, os.Stdout)
	})
}

// run serves the balancer until ctx ends, telling out where to reach it;
// then it stops taking requests, waits for those in flight and stops the
// balancer's health checks and controller watch.
func run(ctx context.Context, cfg config, out io.Writer) error {
	logger := cli.Logger(cfg.logLevel)
	bc := cfg.balancer
	bc.Logger = logger
	bal, err := kv.NewBalancer(bc)
	if err != nil {
		return err
	}
	defer bal.Close()
	ln, err := net.Listen("tcp", cfg.httpAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.httpAddr, err)
	}
	printBanner(out, ln.Addr().String(), bal.Status())
	return cli.Serve(ctx, ln, bal, logger)
}
