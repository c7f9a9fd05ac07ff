package controller

import (
	"context"
	"net/http"
	"net/http/httputil"
	"time"

	"github.com/treekv/kv/node"
)

// forwarder relays API calls from a follower instance to the leader.
type forwarder struct {
	proxy     *httputil.ReverseProxy
	transport *http.Transport
}

type forwardTarget struct{}

func newForwarder() *forwarder {
	t := &http.Transport{MaxIdleConnsPerHost: 16, IdleConnTimeout: 90 * time.Second}
	f := &forwarder{transport: t}
	f.proxy = &httputil.ReverseProxy{
		Transport:     t,
		FlushInterval: -1, // event streams flow as they come
		Rewrite: func(pr *httputil.ProxyRequest) {
			target := pr.In.Context().Value(forwardTarget{}).(string)
			pr.Out.URL.Scheme = "http"
			pr.Out.URL.Host = target
			pr.Out.Host = target
			pr.SetXForwarded()
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			writeError(w, node.Errorf(node.ErrUnavailable, "forwarding to the controller leader: %v", err))
		},
	}
	return f
}

func (f *forwarder) forward(w http.ResponseWriter, r *http.Request, target string) {
	f.proxy.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), forwardTarget{}, target)))
}

func (f *forwarder) close() { f.transport.CloseIdleConnections() }
