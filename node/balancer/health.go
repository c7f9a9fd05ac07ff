package balancer

import (
	"context"
	"io"
	"net/http"
	"sync"
	"time"
)

// checkers owns the goroutines of the active health checks, one per
// backend. It is safe for concurrent use.
type checkers struct {
	mu      sync.Mutex
	running map[*backend]context.CancelFunc
	closed  bool
	wg      sync.WaitGroup
}

func newCheckers() *checkers { return &checkers{running: map[*backend]context.CancelFunc{}} }

// start runs fn(ctx) in a goroutine until stop(b) or close; after close it
// does nothing.
func (cs *checkers) start(b *backend, fn func(ctx context.Context)) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.closed || cs.running[b] != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	cs.running[b] = cancel
	cs.wg.Go(func() { fn(ctx) })
}

// stop ends b's checks; the goroutine returns soon after.
func (cs *checkers) stop(b *backend) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cancel := cs.running[b]; cancel != nil {
		cancel()
		delete(cs.running, b)
	}
}

// close ends every check and waits for the goroutines.
func (cs *checkers) close() {
	cs.mu.Lock()
	cs.closed = true
	for b, cancel := range cs.running {
		cancel()
		delete(cs.running, b)
	}
	cs.mu.Unlock()
	cs.wg.Wait()
}

// runChecks checks b's /readyz now and then every CheckInterval until ctx
// ends, and applies the rise and fall thresholds.
func (bal *Balancer) runChecks(ctx context.Context, b *backend) {
	ticker := time.NewTicker(bal.cfg.CheckInterval)
	defer ticker.Stop()
	for {
		ok := bal.check(ctx, b)
		if ctx.Err() != nil {
			return
		}
		if b.observeCheck(bal.now(), ok, bal.cfg.Rise, bal.cfg.Fall) {
			bal.logger.Info("backend health changed", "backend", b.id, "healthy", ok)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// check reports whether b answers GET /readyz with 200 within CheckTimeout.
func (bal *Balancer) check(ctx context.Context, b *backend) bool {
	ctx, cancel := context.WithTimeout(ctx, bal.cfg.CheckTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.url.String()+"/readyz", nil)
	if err != nil {
		return false
	}
	resp, err := bal.checkClient.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode == http.StatusOK
}
