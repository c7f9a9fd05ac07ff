package balancer

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"sync"
	"sync/atomic"
	"time"
)

// Balancer forwards the data API to healthy backends and serves its own
// API (/v1/backends, /v1/status, /healthz, /readyz, /metrics). It is an
// http.Handler, safe for concurrent use; Close stops its goroutines.
type Balancer struct {
	cfg         Config
	logger      *slog.Logger
	now         func() time.Time
	started     time.Time
	pool        *pool
	leaders     atomic.Pointer[leaderTable]
	policy      policy
	transport   *http.Transport
	client      *http.Client // the controller watch's
	checkClient *http.Client
	proxy       *httputil.ReverseProxy
	metrics     *metrics
	checks      *checkers
	mux         *http.ServeMux
	// removed holds the node IDs whose controller backends were deleted
	// through the API: the controller watch does not add them back until
	// a POST /v1/backends names them again.
	removed   sync.Map
	stopWatch context.CancelFunc
	watchDone sync.WaitGroup
	closeOnce sync.Once
}

// New returns a balancer for cfg, or an error naming the setting that
// cannot work. It starts the health checks of the static backends and,
// with a controller, the watch of its cluster view; it does not wait for
// either.
func New(cfg Config) (*Balancer, error) {
	return newBalancer(cfg, time.Now)
}

// newBalancer is New with a clock for ejection periods, for tests.
func newBalancer(cfg Config, now func() time.Time) (*Balancer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("balancer: %w", err)
	}
	cfg = cfg.withDefaults()
	bal := &Balancer{cfg: cfg, logger: cfg.Logger, now: now, started: now(), pool: newPool(), checks: newCheckers(),
		stopWatch: func() {}}
	bal.leaders.Store(&leaderTable{})
	bal.policy = newPolicy(cfg.Policy, bal.leaders.Load)
	bal.transport = newTransport()
	bal.client = &http.Client{Transport: bal.transport}
	bal.checkClient = &http.Client{Transport: bal.transport}
	bal.proxy = newReverseProxy(bal.transport, bal.logger)
	bal.metrics = newMetrics(bal.pool, now)
	bal.mux = bal.routes()
	if err := bal.addStatic(); err != nil {
		bal.Close()
		return nil, err
	}
	bal.startWatch()
	return bal, nil
}

func (bal *Balancer) addStatic() error {
	for _, s := range bal.cfg.Backends {
		u, _ := parseBackendURL(s) // Validate checked it
		if err := bal.addBackend(newBackend(u.Host, u, SourceStatic)); err != nil {
			return fmt.Errorf("balancer: Backends: %w", err)
		}
	}
	return nil
}

func (bal *Balancer) startWatch() {
	if bal.cfg.Controller == "" {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	bal.stopWatch = cancel
	bal.watchDone.Go(func() { bal.watch(ctx) })
}

// ServeHTTP forwards data API requests and serves the balancer's own API.
func (bal *Balancer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if isDataAPI(r) {
		bal.forward(w, r)
		return
	}
	bal.mux.ServeHTTP(w, r)
}

// Close stops the controller watch and the health checks and waits for
// their goroutines. It does not wait for requests in flight (the server
// that serves the Balancer does); it is safe to call more than once.
func (bal *Balancer) Close() {
	bal.closeOnce.Do(func() {
		bal.stopWatch()
		bal.watchDone.Wait()
		bal.checks.close()
		bal.transport.CloseIdleConnections()
	})
}

// addBackend puts b in the pool and starts its health checks.
func (bal *Balancer) addBackend(b *backend) error {
	if err := bal.pool.add(b); err != nil {
		return err
	}
	if bal.cfg.CheckInterval > 0 {
		bal.checks.start(b, func(ctx context.Context) { bal.runChecks(ctx, b) })
	}
	bal.logger.Info("backend added", "backend", b.id, "url", b.url.String(), "source", b.source)
	return nil
}

// removeBackend takes b out at once; requests in flight on it finish.
func (bal *Balancer) removeBackend(b *backend) {
	if !b.markRemoved() {
		return
	}
	bal.pool.remove(b)
	bal.checks.stop(b)
	bal.metrics.forget(b)
	bal.logger.Info("backend removed", "backend", b.id)
}

// drainBackend stops new requests to b and removes it once idle.
func (bal *Balancer) drainBackend(b *backend) {
	if b.drain() {
		bal.removeBackend(b)
	}
}
