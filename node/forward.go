package node

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"strconv"
	"sync/atomic"
	"time"
)

// forwarder relays requests to other nodes with httputil.ReverseProxy. Each
// request carries its target in its context.
type forwarder struct {
	proxy     *httputil.ReverseProxy
	transport *http.Transport
	isolated  atomic.Bool
}

type forwardTarget struct{}

func newForwarder(nodeID string) *forwarder {
	f := &forwarder{}
	dialer := &net.Dialer{Timeout: 2 * time.Second, KeepAlive: 30 * time.Second}
	f.transport = &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if f.isolated.Load() {
				return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New("node " + nodeID + " is isolated")}
			}
			return dialer.DialContext(ctx, network, addr)
		},
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     90 * time.Second,
	}
	f.proxy = &httputil.ReverseProxy{Rewrite: rewrite, Transport: f.transport, ErrorHandler: proxyError,
		BufferPool: newBufferPool()}
	return f
}

func rewrite(pr *httputil.ProxyRequest) {
	target := pr.In.Context().Value(forwardTarget{}).(string)
	pr.Out.URL.Scheme = "http"
	pr.Out.URL.Host = target
	pr.Out.Host = target
	hops := forwardHops(pr.In)
	pr.Out.Header.Set(HeaderForwarded, strconv.Itoa(hops+1))
	pr.SetXForwarded()
	if pr.Out.Body != nil {
		// The proxy hides the body behind a reader of its own, through which
		// http.Transport cannot see that the body is in memory: it would
		// then send the headers and the body in two writes, and the leader
		// would read them in two. The body is forward's bytes.Reader, which
		// nothing else reads and whose Close does nothing.
		pr.Out.Body = pr.In.Body
	}
}

// forward relays r, with body in place of its (already read) body, to target.
func (f *forwarder) forward(w http.ResponseWriter, r *http.Request, target string, body []byte) {
	out := r.WithContext(context.WithValue(r.Context(), forwardTarget{}, target))
	out.Body = http.NoBody // the proxy sends no body when ContentLength is 0
	if len(body) > 0 {
		out.Body = io.NopCloser(bytes.NewReader(body))
	}
	out.ContentLength = int64(len(body))
	f.proxy.ServeHTTP(w, out)
}

// proxyError answers a failed relay: unavailable when the request cannot
// have reached the target (it was never sent, or it only reads), and
// indeterminate for a write that may have been applied there.
func proxyError(w http.ResponseWriter, r *http.Request, err error) {
	target, _ := r.Context().Value(forwardTarget{}).(string)
	var op *net.OpError
	neverSent := errors.As(err, &op) && op.Op == "dial"
	if neverSent || r.Method == http.MethodGet || r.Method == http.MethodHead {
		writeError(w, Errorf(ErrUnavailable, "forwarding to %s: %v", target, err))
		return
	}
	writeError(w, Errorf(ErrIndeterminate, "forwarded write to %s: %v", target, err))
}

func (f *forwarder) setIsolated(isolated bool) {
	f.isolated.Store(isolated)
	if isolated {
		f.transport.CloseIdleConnections()
	}
}

func (f *forwarder) close() { f.transport.CloseIdleConnections() }

// forwardHops returns how often r was forwarded between nodes: the count in
// its HeaderForwarded, or 0 when that is absent, malformed or negative, so
// no client can stretch the hop limit.
func forwardHops(r *http.Request) int {
	v := r.Header.Get(HeaderForwarded)
	if v == "" {
		return 0
	}
	hops, err := strconv.Atoi(v)
	if err != nil || hops < 0 {
		return 0
	}
	return hops
}
