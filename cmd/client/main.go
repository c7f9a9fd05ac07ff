// Command client serves treekv's client web UI on http://127.0.0.1:8082: a
// page on which a person sets, reads, compares-and-swaps, browses and
// deletes keys, sees the operation log (latency, retries, the node that
// answered) and the connection state of the endpoints.
//
// The page's JSON endpoints (/api/...) call the cluster through kv.Client,
// so they retry and fail over as any Go program would. By default they call
// the balancer at localhost:8081; -endpoints takes any comma-separated list
// of balancer or node addresses. The command runs until SIGINT or SIGTERM,
// then shuts down gracefully.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/treekv/kv"
	"github.com/treekv/kv/cmd/internal/cli"
)

// shutdownTimeout bounds how long requests in flight may take to finish
// once the command is asked to stop.
const shutdownTimeout = 10 * time.Second

func main() {
	cli.Main("client", parseConfig, func(ctx context.Context, cfg config) error {
		return run(ctx, cfg, os.Stdout)
	})
}

// run serves the UI until ctx ends, telling out where to reach it; then it
// shuts the server down gracefully.
func run(ctx context.Context, cfg config, out io.Writer) error {
	logger := cli.Logger(cfg.logLevel)
	client, err := kv.NewClient(kv.ClientConfig{Endpoints: cfg.endpoints})
	if err != nil {
		return err
	}
	defer client.Close()
	ln, err := net.Listen("tcp", cfg.httpAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.httpAddr, err)
	}
	s := newServer(client, cfg.endpoints, logger)
	defer s.close()
	printBanner(out, ln.Addr().String(), cfg.endpoints)
	return serve(ctx, ln, s.handler(), logger)
}

// serve serves h on ln until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, ln net.Listener, h http.Handler, logger *slog.Logger) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	err := srv.Shutdown(shutCtx)
	if serveErr := <-done; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	logger.Info("stopped")
	return err
}

// printBanner tells where the UI listens and which endpoints it calls.
func printBanner(out io.Writer, addr string, endpoints []string) {
	fmt.Fprintf(out, "treekv client UI: http://%s/\n", addr)
	fmt.Fprintf(out, "calling: %s\n", strings.Join(endpoints, ", "))
	fmt.Fprintln(out, "Press Ctrl-C to stop.")
}
