package balancer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptrace"
	"time"

	"github.com/treekv/kv/node"
)

// forward sends a data API request to a backend and retries it on others
// while it fails, as mayRetry allows; it answers the client once.
func (bal *Balancer) forward(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(w, r, bal.cfg.MaxBodySize)
	if err != nil {
		node.WriteError(w, err)
		return
	}
	ex := newExchange(r, classify(r))
	w.Header().Set(HeaderRequestID, ex.requestID)
	start := time.Now()
	var failed *attempt // the previous attempt, which failed
	for n := 0; bal.mayRetry(ex, n, start) && r.Context().Err() == nil; n++ {
		b := bal.pick(r.Context(), ex)
		if b == nil {
			break
		}
		if failed != nil {
			bal.failedOver(ex, failed)
		}
		a := bal.send(w, ex, body, b, n > 0)
		if a.delivered() {
			bal.logger.Debug("forwarded", "request_id", ex.requestID, "method", r.Method, "path", r.URL.Path,
				"backend", b.id, "status", a.status, "attempts", n+1, "duration", time.Since(start))
			return
		}
		ex.record(a)
		failed = a
	}
	bal.answerFailure(w, r, ex)
}

// mayRetry reports whether attempt n (from 0) of the exchange that began at
// start may be made: the first always, up to MaxRetries retries of any
// request, and further retries of a read while its RetryBudget lasts; never
// again a batch that may have been served in part.
func (bal *Balancer) mayRetry(ex *exchange, n int, start time.Time) bool {
	if ex.route.batch && ex.maybeApplied { // its writes without a key could apply twice
		return false
	}
	if n <= bal.cfg.maxRetries() {
		return true
	}
	return !ex.route.write && time.Since(start) < bal.cfg.RetryBudget
}

// pick returns the backend for the exchange's next attempt, or nil when no
// backend is usable or the client left. A retry goes at once to a backend
// the request has not tried; going back to one it tried waits first, a
// back-off that doubles each time (the cluster may be electing a leader).
func (bal *Balancer) pick(ctx context.Context, ex *exchange) *backend {
	b := bal.choose(ex)
	if b == nil || !ex.tried[b] {
		return b
	}
	ex.pauses++
	d := bal.cfg.RetryBackoff << min(ex.pauses-1, 16)
	if !sleep(ctx, min(d, 10*bal.cfg.RetryBackoff)) {
		return nil
	}
	return bal.choose(ex) // the backends may have changed meanwhile
}

func (bal *Balancer) choose(ex *exchange) *backend {
	c := candidates(bal.pool.all(), ex, bal.now())
	if len(c) == 0 {
		return nil
	}
	return bal.policy.pick(ex.route, c)
}

// send makes one attempt on b, with a fresh copy of the buffered body.
func (bal *Balancer) send(w http.ResponseWriter, ex *exchange, body []byte, b *backend, retry bool) *attempt {
	a := &attempt{backend: b}
	trace := &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { a.connected.Store(true) }}
	ctx := context.WithValue(httptrace.WithClientTrace(ex.in.Context(), trace), attemptKey{}, a)
	out := ex.in.Clone(ctx)
	out.Body, out.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	b.begin(retry)
	bal.metrics.attemptStarted(b, retry)
	start := time.Now()
	defer func() { bal.finish(ex, a, time.Since(start)) }() // also when the proxy aborts mid-answer
	bal.proxy.ServeHTTP(w, out)
	return a
}

// finish accounts for an attempt: counters, passive ejection, and removal
// of a draining backend that became idle. A client that went away is not
// the backend's fault.
func (bal *Balancer) finish(ex *exchange, a *attempt, latency time.Duration) {
	b := a.backend
	failed := a.failed() && ex.in.Context().Err() == nil
	if failed && b.eject(bal.now(), bal.cfg.EjectBase, bal.cfg.EjectMax) {
		bal.logger.Info("backend ejected", "backend", b.id, "request_id", ex.requestID, "reason", describe(a))
	} else if !failed && a.delivered() {
		b.succeeded()
	}
	bal.metrics.attemptDone(b, a, latency)
	if b.end(latency, failed) {
		bal.removeBackend(b)
	}
}

// failedOver counts and logs a failed attempt whose request is being sent
// again.
func (bal *Balancer) failedOver(ex *exchange, a *attempt) {
	a.backend.failovers.Add(1)
	bal.metrics.failover(a.backend)
	bal.logger.Info("retrying on another backend", "request_id", ex.requestID, "backend", a.backend.id,
		"reason", describe(a))
}

// answerFailure answers a request no attempt delivered: indeterminate when
// a write may have applied somewhere, else unavailable.
func (bal *Balancer) answerFailure(w http.ResponseWriter, r *http.Request, ex *exchange) {
	if r.Context().Err() != nil {
		bal.logger.Info("client left", "request_id", ex.requestID, "attempts", ex.attempts)
	}
	err := ex.failure()
	if ex.maybeApplied && ex.idempotencyKey != "" {
		w.Header().Set(node.HeaderIdempotencyKey, ex.idempotencyKey)
	}
	bal.logger.Warn("request failed", "request_id", ex.requestID, "method", r.Method, "path", r.URL.Path,
		"attempts", ex.attempts, "error", err)
	node.WriteError(w, err)
}

// readBody buffers the request body, answering too_large past limit bytes.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, node.Errorf(node.ErrTooLarge, "request body is over the balancer's limit of %d bytes", limit)
	}
	if err != nil {
		return nil, node.Errorf(node.ErrBadRequest, "reading the request body: %v", err)
	}
	return body, nil
}
