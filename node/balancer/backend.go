package balancer

import (
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// Sources of a backend, as BackendStatus.Source reports them.
const (
	SourceStatic     = "static"     // Config.Backends
	SourceController = "controller" // a node of the controller's cluster view
	SourceAPI        = "api"        // added through POST /v1/backends
)

// backend is one storage node the balancer forwards to. Its identity never
// changes; its health and counters are safe for concurrent use.
type backend struct {
	id     string
	url    *url.URL
	source string

	inFlight  atomic.Int64
	requests  atomic.Uint64 // attempts sent to it
	errors    atomic.Uint64 // attempts that failed: no answer or a 5xx
	retries   atomic.Uint64 // attempts sent to it as retries
	failovers atomic.Uint64 // failed attempts on it that were retried elsewhere
	latency   latencyWindow

	mu             sync.Mutex
	nodeID         string    // the storage node's ID, when the controller names it
	healthy        bool      // by the active checks
	lastCheck      time.Time // when the latest check ended; zero before the first
	streak         int       // consecutive checks that disagree with healthy
	controllerDown bool      // the controller reports the node down
	draining       bool      // takes no new requests; removed once idle
	removed        bool
	ejectedUntil   time.Time
	ejections      int // ejections since the last success
}

func newBackend(id string, u *url.URL, source string) *backend {
	return &backend{id: id, url: u, source: source, healthy: true}
}

// observeCheck records one active check, HAProxy style: Rise consecutive
// successes make an unhealthy backend healthy, Fall consecutive failures
// make a healthy one unhealthy. A new backend starts healthy pending its
// first check (HAProxy's init-state "up"): one failure takes it down. It
// reports whether health changed.
func (b *backend) observeCheck(now time.Time, ok bool, rise, fall int) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	first := b.lastCheck.IsZero()
	b.lastCheck = now
	if first && !ok {
		b.healthy, b.streak = false, 0
		return true
	}
	if ok == b.healthy {
		b.streak = 0
		return false
	}
	b.streak++
	need := fall
	if ok {
		need = rise
	}
	if b.streak < need {
		return false
	}
	b.healthy, b.streak = ok, 0
	return true
}

// setControllerDown records whether the controller reports the node down.
func (b *backend) setControllerDown(down bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.controllerDown = down
}

// eject takes the backend out of rotation after a failure, for base doubled
// by every ejection since the last success, capped at maxd. A backend
// already ejected keeps its period. It reports whether it ejected.
func (b *backend) eject(now time.Time, base, maxd time.Duration) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if now.Before(b.ejectedUntil) {
		return false
	}
	d := maxd
	if b.ejections < 32 && base<<b.ejections < maxd {
		d = base << b.ejections
	}
	b.ejections++
	b.ejectedUntil = now.Add(d)
	return true
}

// succeeded records an answer below 500: the next ejection starts again
// from the base period.
func (b *backend) succeeded() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.ejections = 0
}

// state reports at now whether the backend is healthy (by its checks and
// by the controller), open (neither draining nor removed) and ejected.
func (b *backend) state(now time.Time) (healthy, open, ejected bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.healthy && !b.controllerDown, !b.draining && !b.removed, now.Before(b.ejectedUntil)
}

// isHealthy reports the health by checks and by the controller.
func (b *backend) isHealthy() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.healthy && !b.controllerDown
}

// node returns the storage node's ID, or "" when unknown.
func (b *backend) node() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.nodeID
}

func (b *backend) setNode(id string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.nodeID = id
}

// drain stops new requests to the backend and reports whether it is idle,
// so it can be removed at once.
func (b *backend) drain() (idle bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.draining = true
	return b.inFlight.Load() == 0
}

// markRemoved marks the backend removed; it reports false when it already
// was, so that one removal happens.
func (b *backend) markRemoved() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.removed {
		return false
	}
	b.removed = true
	return true
}

// begin counts an attempt sent to the backend.
func (b *backend) begin(retry bool) {
	b.inFlight.Add(1)
	b.requests.Add(1)
	if retry {
		b.retries.Add(1)
	}
}

// end counts the end of an attempt and reports whether the backend is
// draining and now idle, so it can be removed.
func (b *backend) end(latency time.Duration, failed bool) (drained bool) {
	b.latency.add(latency)
	if failed {
		b.errors.Add(1)
	}
	idle := b.inFlight.Add(-1) == 0
	b.mu.Lock()
	defer b.mu.Unlock()
	return idle && b.draining
}
