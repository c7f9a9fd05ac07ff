package kv

import (
	"net/http"

	"github.com/treekv/kv/node/balancer"
)

// Types of the balancer's configuration and status.
type (
	// BalancerConfig configures a Balancer: its backends (static, from a
	// controller, or both), routing policy, health checks, passive
	// ejection and retries. See the field docs for defaults.
	BalancerConfig = balancer.Config
	// BalancerStatus is the balancer's GET /v1/status answer.
	BalancerStatus = balancer.Status
	// BackendStatus describes one backend of a balancer.
	BackendStatus = balancer.BackendStatus
)

// Routing policies of BalancerConfig.Policy.
const (
	// PolicyRoundRobin sends each request to the next healthy node in turn.
	PolicyRoundRobin = balancer.PolicyRoundRobin
	// PolicyLeastOutstanding sends each request to the healthy node with the
	// fewest requests in flight.
	PolicyLeastOutstanding = balancer.PolicyLeastOutstanding
	// PolicyLeaderAware sends each single-key request to its partition's
	// leader, as the controller reports it, and spreads stale reads over
	// the partition's replicas.
	PolicyLeaderAware = balancer.PolicyLeaderAware
)

// Balancer is an http.Handler that serves the data API by forwarding it to
// healthy storage nodes, as the cluster's front door; cmd/load-balancer
// serves it on :8081. A failed request is retried on another node (reads
// always, writes under an Idempotency-Key that the balancer adds when the
// client did not, so a retried write applies once); a write whose outcome
// stays unknown is answered with the error code "indeterminate", never as a
// failure. It also serves GET/POST /v1/backends, DELETE
// /v1/backends/{id}, /v1/status, /healthz, /readyz and /metrics. It is safe
// for concurrent use.
type Balancer struct {
	b *balancer.Balancer
}

// NewBalancer returns a balancer for cfg, or an error naming the setting
// that cannot work. It starts the health checks and, with cfg.Controller,
// the watch of the controller's cluster view, without waiting for either:
// until a first check or view arrives, static backends count as healthy.
func NewBalancer(cfg BalancerConfig) (*Balancer, error) {
	b, err := balancer.New(cfg)
	if err != nil {
		return nil, err
	}
	return &Balancer{b: b}, nil
}

// ServeHTTP forwards data API requests and serves the balancer's own API.
func (b *Balancer) ServeHTTP(w http.ResponseWriter, r *http.Request) { b.b.ServeHTTP(w, r) }

// Status describes the balancer and each of its backends.
func (b *Balancer) Status() BalancerStatus { return b.b.Status() }

// Close stops the health checks and the controller watch and waits for
// their goroutines. Requests in flight are the serving http.Server's to
// wait for. Close is safe to call more than once.
func (b *Balancer) Close() { b.b.Close() }
