package node

import (
	"net/http"
	"net/http/pprof"
	"strings"
	"time"
)

// newHTTPServer wraps h in a server with every timeout set. WriteTimeout
// leaves room for a write that waits the full commit timeout.
func newHTTPServer(h http.Handler, conns *idleConns) *http.Server {
	return &http.Server{
		Handler:           h,
		ConnState:         conns.track,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

const kvPrefix = "/v1/kv/"

// handler builds the node's routes. Keys are taken from the escaped path by
// serveKV itself, because ServeMux would clean (and redirect) keys holding
// "//" or "..".
func (n *Node) handler() http.Handler {
	kv := n.metrics.instrument("kv", http.HandlerFunc(n.serveKV))
	mux := http.NewServeMux()
	n.dataRoutes(mux)
	mux.Handle("POST /v1/batch", n.metrics.timed("batch", n.serveBatch(kv)))
	n.adminRoutes(mux)
	n.opsRoutes(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, Errorf(ErrNotFound, "no route for %s %s", r.Method, r.URL.Path))
	})
	if n.cfg.EnablePprof {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.EscapedPath(), kvPrefix) {
			kv.ServeHTTP(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func (n *Node) dataRoutes(mux *http.ServeMux) {
	mux.Handle("GET /v1/scan", n.metrics.instrument("scan", http.HandlerFunc(n.serveScan)))
	mux.Handle("POST /v1/txn", n.metrics.instrument("txn", http.HandlerFunc(n.serveTxn)))
	mux.Handle("GET /v1/partitions/{id}/scan", n.metrics.instrument("partition_scan", http.HandlerFunc(n.servePartitionScan)))
}
