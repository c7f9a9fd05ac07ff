// Command client serves treekv's client web UI on http://127.0.0.1:8082: a
// page on which a person sets, reads, compares-and-swaps, browses and
// deletes keys, sees the operation log (latency, retries, the node that
// answered) and the connection state of the endpoints.
//
// The page's JSON endpoints (/api/...), served by package clientui, call the
// cluster through kv.Client, so they retry and fail over as any Go program
// would. By default they call the balancer at localhost:8081; -endpoints
// takes any comma-separated list of balancer or node addresses. The command
// runs until SIGINT or SIGTERM, then shuts down gracefully.
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"strings"

	"github.com/treekv/kv/cmd/internal/cli"
	"github.com/treekv/kv/cmd/internal/clientui"
)

func main() {
	cli.Main("client", parseConfig, func(ctx context.Context, cfg config) error {
		return run(ctx, cfg, os.Stdout)
	})
}

// run serves the UI until ctx ends, telling out where to reach it; then it
// shuts the server down gracefully.
func run(ctx context.Context, cfg config, out io.Writer) error {
	logger := cli.Logger(cfg.logLevel)
	s, err := clientui.New(clientui.Config{Endpoints: cfg.endpoints, Logger: logger})
	if err != nil {
		return err
	}
	defer s.Close()
	ln, err := net.Listen("tcp", cfg.httpAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.httpAddr, err)
	}
	printBanner(out, ln.Addr().String(), cfg.endpoints)
	return cli.Serve(ctx, ln, s, logger)
}

// printBanner tells where the UI listens and which endpoints it calls.
func printBanner(out io.Writer, addr string, endpoints []string) {
	fmt.Fprintf(out, "treekv client UI: http://%s/\n", addr)
	fmt.Fprintf(out, "calling: %s\n", strings.Join(endpoints, ", "))
	fmt.Fprintln(out, "Press Ctrl-C to stop.")
}
