package balancer

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/treekv/kv/node/controller"
)

// Timings of the controller watch.
const (
	watchBackoffMin = 100 * time.Millisecond
	watchBackoffMax = 2 * time.Second
	// watchTimeout bounds one long poll; the controller answers within 30s.
	watchTimeout = 45 * time.Second
	// maxViewBytes caps a cluster view.
	maxViewBytes = 64 << 20
)

// watch long-polls the controller's cluster view until ctx ends, moving to
// the next controller URL after a failure, and syncs the backends and the
// leader table with every view.
func (bal *Balancer) watch(ctx context.Context) {
	bases := controllerURLs(bal.cfg.Controller)
	var version uint64
	waiting, next, backoff := false, 0, watchBackoffMin
	for ctx.Err() == nil {
		view, err := bal.poll(ctx, bases[next], version, waiting)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			bal.logger.Warn("controller watch failed", "controller", bases[next], "error", err)
			next, waiting = (next+1)%len(bases), false // a new leader may count versions anew
			if !sleep(ctx, backoff) {
				return
			}
			backoff = min(2*backoff, watchBackoffMax)
			continue
		}
		backoff = watchBackoffMin
		bal.syncView(view)
		version, waiting = view.Version, true
	}
}

// poll fetches the cluster view from base; with wait, once its version
// passes version.
func (bal *Balancer) poll(ctx context.Context, base string, version uint64, wait bool) (controller.ClusterView, error) {
	ctx, cancel := context.WithTimeout(ctx, watchTimeout)
	defer cancel()
	target := base + "/v1/cluster"
	if wait {
		target += "?wait=" + strconv.FormatUint(version, 10)
	}
	var view controller.ClusterView
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return view, err
	}
	resp, err := bal.client.Do(req)
	if err != nil {
		return view, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxViewBytes))
	if err != nil {
		return view, err
	}
	if resp.StatusCode != http.StatusOK {
		return view, fmt.Errorf("GET %s answered %d: %.200s", target, resp.StatusCode, body)
	}
	if err := json.Unmarshal(body, &view); err != nil {
		return view, fmt.Errorf("GET %s: malformed cluster view: %w", target, err)
	}
	return view, nil
}

// sleep waits d, or reports false when ctx ends first.
func sleep(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}
