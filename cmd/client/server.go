package main

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/treekv/kv"
	"github.com/treekv/kv/cmd/client/ui"
)

// callTimeout bounds one call to the cluster, the client's retries included.
const callTimeout = 15 * time.Second

// server answers the page's JSON endpoints by calling the cluster through
// a kv.Client, and serves the page itself.
type server struct {
	client    *kv.Client
	endpoints []string     // as given, for the health check
	probe     *http.Client // for the endpoints' /readyz
	logger    *slog.Logger
}

// newServer returns the UI's server. client makes every data call;
// endpoints are probed for /api/health.
func newServer(client *kv.Client, endpoints []string, logger *slog.Logger) *server {
	return &server{
		client:    client,
		endpoints: endpoints,
		probe:     &http.Client{Timeout: probeTimeout, Transport: &http.Transport{}},
		logger:    logger,
	}
}

// handler serves the page at "/" and the JSON endpoints under /api/, every
// answer with the security headers.
func (s *server) handler() http.Handler {
	return withSecurityHeaders(s.routes())
}

// close closes the idle connections of the health probes.
func (s *server) close() { s.probe.CloseIdleConnections() }

// routes is the mux of the page and its endpoints.
func (s *server) routes() *http.ServeMux {
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
