// Package clientui serves treekv's client web UI: the page (package ui) and
// the JSON endpoints under /api/ that it calls, which reach the cluster
// through a kv.Client, so they retry and fail over as any Go program
// would. cmd/client serves it on its own; cmd/treekv serves it next to the
// cluster and the balancer.
package clientui

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/treekv/kv"
	"github.com/treekv/kv/cmd/internal/clientui/ui"
)

// callTimeout bounds one call to the cluster, the client's retries included.
const callTimeout = 15 * time.Second

// Config is what a Server is asked for.
type Config struct {
	// Endpoints are the balancer or node addresses ("host:port" or base
	// URLs) that every data call goes to and that GET /api/health probes,
	// in that order. At least one.
	Endpoints []string
	// Logger receives the failed calls to the cluster; nil discards them.
	Logger *slog.Logger
}

// Server is an http.Handler that serves the page at "/" and its JSON
// endpoints under /api/ (kv/{key}, kv?key=, scan, health), every answer
// with a strict content security policy. Mutating requests need the header
// X-Requested-With: treekv-ui and are refused when a browser marks them
// cross-origin. It is safe for concurrent use.
type Server struct {
	client    *kv.Client
	endpoints []string     // as given, for the health check
	probe     *http.Client // for the endpoints' /readyz
	logger    *slog.Logger
	handler   http.Handler
}

// New returns the UI's server over a kv.Client of cfg.Endpoints, or an
// error when they name no usable endpoint. It makes no call before a
// request asks for one.
func New(cfg Config) (*Server, error) {
	if len(cfg.Endpoints) == 0 {
		return nil, errors.New("clientui: Endpoints names no balancer or node")
	}
	client, err := kv.NewClient(kv.ClientConfig{Endpoints: cfg.Endpoints})
	if err != nil {
		return nil, err
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		client:    client,
		endpoints: cfg.Endpoints,
		probe:     &http.Client{Timeout: probeTimeout, Transport: &http.Transport{}},
		logger:    logger,
	}
	s.handler = withSecurityHeaders(s.routes())
	return s, nil
}

// ServeHTTP answers one request for the page or its endpoints.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Close closes the kv.Client and the health probes' idle connections. Call
// it once the http.Server serving s has shut down.
func (s *Server) Close() {
	s.probe.CloseIdleConnections()
	s.client.Close()
}

// routes is the mux of the page and its endpoints.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	for _, p := range []string{"/api/kv/{key...}", "/api/kv"} {
		mux.Handle("GET "+p, http.HandlerFunc(s.getKey))
		mux.Handle("PUT "+p, guardMutation(http.HandlerFunc(s.putKey)))
		mux.Handle("DELETE "+p, guardMutation(http.HandlerFunc(s.deleteKey)))
	}
	mux.Handle("GET /api/scan", http.HandlerFunc(s.scan))
	mux.Handle("GET /api/health", http.HandlerFunc(s.health))
	mux.Handle("/api/", http.HandlerFunc(notFound))
	mux.Handle("/", ui.Handler())
	return mux
}

// notFound answers an unknown /api/ path (or a known one with the wrong
// method) as JSON.
func notFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusNotFound, "not_found", "no endpoint "+r.Method+" "+r.URL.Path)
}

// withSecurityHeaders sets, on every answer, a strict content security
// policy, nosniff and a referrer policy that leaks nothing.
func withSecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		hdr.Set("Content-Security-Policy", ui.ContentSecurityPolicy)
		hdr.Set("X-Content-Type-Options", "nosniff")
		hdr.Set("Referrer-Policy", "no-referrer")
		hdr.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}
