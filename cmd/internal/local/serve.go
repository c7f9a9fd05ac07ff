package local

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"

	"github.com/treekv/kv/cmd/internal/cli"
)

// httpServer is one HTTP server of the process; it owns the goroutine
// that serves and waits for it in shutdown.
type httpServer struct {
	srv  *http.Server
	ln   net.Listener
	done chan error
}

// listenAndServe listens on addr and serves h there, with every timeout
// set, until shutdown. Errors are logged to logger at warn level.
func listenAndServe(addr string, h http.Handler, logger *slog.Logger) (*httpServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	s := &httpServer{
		srv:  cli.NewServer(h, logger),
		ln:   ln,
		done: make(chan error, 1),
	}
	go func() { s.done <- s.srv.Serve(ln) }()
	return s, nil
}

// addr is the address the server listens on, with the port it was given.
func (s *httpServer) addr() string { return s.ln.Addr().String() }

// shutdown stops taking connections, lets the requests in flight finish
// (for up to ShutdownTimeout) and waits for the serving goroutine.
func (s *httpServer) shutdown() error {
	ctx, cancel := context.WithTimeout(context.Background(), cli.ShutdownTimeout)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if serveErr := <-s.done; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	return err
}
