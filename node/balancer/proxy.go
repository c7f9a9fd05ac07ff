package balancer

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"sync/atomic"
	"time"

	"github.com/treekv/kv/node"
)

// HeaderRequestID carries the request's ID: the client's when it sent one,
// else one the balancer made. It goes to the node and back to the client.
const HeaderRequestID = "X-Request-Id"

// maxHeldBody caps the body of an error answer held back while the
// balancer decides whether to retry.
const maxHeldBody = 64 << 10

// errHeld tells the proxy's error handler that ModifyResponse held the
// answer back for a retry decision.
var errHeld = errors.New("answer held back for a retry decision")

// attempt is one send of a request to one backend. The proxy's hooks find
// it in the request's context and fill it in.
type attempt struct {
	backend   *backend
	connected atomic.Bool // a connection was obtained: the backend may have the request
	err       error       // the transport error, when no answer came
	held      *heldAnswer // a 502, 503 or 504 answer, not passed on
	status    int         // the status passed on to the client
}

// heldAnswer is an error answer kept back from the client.
type heldAnswer struct {
	status int
	body   []byte
}

type attemptKey struct{}

func attemptOf(r *http.Request) *attempt { return r.Context().Value(attemptKey{}).(*attempt) }

// delivered reports whether the proxy passed the backend's answer on.
func (a *attempt) delivered() bool { return a.err == nil && a.held == nil }

// failed reports whether the backend failed: no answer, or a 5xx one.
func (a *attempt) failed() bool { return !a.delivered() || a.status >= 500 }

// newTransport returns the pooled keep-alive transport shared by every
// attempt and check.
func newTransport() *http.Transport {
	dialer := &net.Dialer{Timeout: 2 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                 nil, // backends are reached directly
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          512,
		MaxIdleConnsPerHost:   128,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

func newReverseProxy(t http.RoundTripper, logger *slog.Logger) *httputil.ReverseProxy {
	return &httputil.ReverseProxy{
		Rewrite:        rewrite,
		Transport:      t,
		ModifyResponse: holdRetryable,
		ErrorHandler:   recordError,
		ErrorLog:       slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// rewrite points the request at the attempt's backend and says who sent
// it. The node's hop counter is the nodes' own business: a client's is
// dropped. The body is already buffered, so Expect: 100-continue is too.
func rewrite(pr *httputil.ProxyRequest) {
	pr.SetURL(attemptOf(pr.In).backend.url)
	pr.SetXForwarded()
	pr.Out.Header.Del(node.HeaderForwarded)
	pr.Out.Header.Del("Expect")
}

// holdRetryable keeps a 502, 503 or 504 answer from the client, so that
// the request may be retried; other answers pass on, with the request ID
// the balancer already set rather than one of the node's.
func holdRetryable(resp *http.Response) error {
	a := attemptOf(resp.Request)
	if !retryableStatus(resp.StatusCode) {
		a.status = resp.StatusCode
		resp.Header.Del(HeaderRequestID)
		return nil
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxHeldBody))
	a.held = &heldAnswer{status: resp.StatusCode, body: body}
	return errHeld
}

func retryableStatus(status int) bool {
	return status == http.StatusBadGateway || status == http.StatusServiceUnavailable ||
		status == http.StatusGatewayTimeout
}

// recordError notes a failed attempt; forward answers the client.
func recordError(_ http.ResponseWriter, r *http.Request, err error) {
	a := attemptOf(r)
	if !errors.Is(err, errHeld) {
		a.err = err
	}
}
