package balancer

import (
	"net/http"
	"time"

	"github.com/treekv/kv/node"
)

// BackendStatus describes one backend, as GET /v1/backends lists it.
// Requests, Errors, Retries and Failovers count attempts: Retries those
// sent to this backend as the retry of a failed attempt, Failovers its
// failed attempts whose request was sent again.
type BackendStatus struct {
	ID           string     `json:"id"`
	URL          string     `json:"url"`
	Node         string     `json:"node,omitempty"` // the storage node's ID, when the controller names it
	Source       string     `json:"source"`         // SourceStatic, SourceController or SourceAPI
	Healthy      bool       `json:"healthy"`
	Draining     bool       `json:"draining"`
	EjectedUntil *time.Time `json:"ejected_until"` // null unless ejected
	LastCheck    *time.Time `json:"last_check"`    // null before the first health check
	InFlight     int64      `json:"in_flight"`
	Requests     uint64     `json:"requests"`
	Errors       uint64     `json:"errors"`
	Retries      uint64     `json:"retries"`
	Failovers    uint64     `json:"failovers"`
	Percentiles             // latency of the latest attempts
}

// Status answers GET /v1/status: the balancer's settings, each backend,
// and totals over the current backends (a removed backend's counts leave
// them).
type Status struct {
	Policy          string          `json:"policy"`
	Controller      string          `json:"controller,omitempty"`
	ClusterVersion  uint64          `json:"cluster_version"` // of the last cluster view, 0 without one
	UptimeSeconds   float64         `json:"uptime_seconds"`
	TotalBackends   int             `json:"total_backends"`
	HealthyBackends int             `json:"healthy_backends"`
	InFlight        int64           `json:"in_flight"`
	Requests        uint64          `json:"requests"`
	Errors          uint64          `json:"errors"`
	Retries         uint64          `json:"retries"`
	Failovers       uint64          `json:"failovers"`
	Backends        []BackendStatus `json:"backends"`
}

// status describes b at now.
func (b *backend) status(now time.Time) BackendStatus {
	s := BackendStatus{
		ID: b.id, URL: b.url.String(), Source: b.source,
		InFlight: b.inFlight.Load(), Requests: b.requests.Load(), Errors: b.errors.Load(),
		Retries: b.retries.Load(), Failovers: b.failovers.Load(), Percentiles: b.latency.percentiles(),
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	s.Node, s.Healthy, s.Draining = b.nodeID, b.healthy && !b.controllerDown, b.draining
	if now.Before(b.ejectedUntil) {
		until := b.ejectedUntil
		s.EjectedUntil = &until
	}
	if !b.lastCheck.IsZero() {
		checked := b.lastCheck
		s.LastCheck = &checked
	}
	return s
}

// Backends describes every backend, sorted by ID.
func (bal *Balancer) Backends() []BackendStatus {
	now := bal.now()
	out := []BackendStatus{}
	for _, b := range bal.pool.all() {
		out = append(out, b.status(now))
	}
	return out
}

// Status describes the balancer and its backends.
func (bal *Balancer) Status() Status {
	s := Status{Policy: bal.cfg.Policy, Controller: bal.cfg.Controller, Backends: bal.Backends(),
		ClusterVersion: bal.leaders.Load().version, UptimeSeconds: bal.now().Sub(bal.started).Seconds()}
	s.TotalBackends = len(s.Backends)
	for _, b := range s.Backends {
		if b.Healthy {
			s.HealthyBackends++
		}
		s.InFlight += b.InFlight
		s.Requests += b.Requests
		s.Errors += b.Errors
		s.Retries += b.Retries
		s.Failovers += b.Failovers
	}
	return s
}

func (bal *Balancer) serveStatus(w http.ResponseWriter, _ *http.Request) {
	node.WriteJSON(w, http.StatusOK, bal.Status())
}

func (bal *Balancer) serveHealth(w http.ResponseWriter, _ *http.Request) {
	node.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// serveReady answers 200 while at least one backend is healthy.
func (bal *Balancer) serveReady(w http.ResponseWriter, _ *http.Request) {
	for _, b := range bal.pool.all() {
		if healthy, open, _ := b.state(bal.now()); healthy && open {
			node.WriteJSON(w, http.StatusOK, map[string]string{"status": "ready"})
			return
		}
	}
	node.WriteError(w, node.Errorf(node.ErrUnavailable, "no healthy backend"))
}
