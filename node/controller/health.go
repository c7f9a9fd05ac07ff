package controller

import (
	"slices"
	"sync"
	"time"

	"github.com/treekv/kv/node"
)

// health follows the storage nodes' heartbeats on the controller leader. It
// is soft state: a new leader starts with every member up as of its first
// tick, so nodes get a full DownAfter to report before they are declared down.
type health struct {
	mu      sync.Mutex
	cfg     Config
	seen    map[string]time.Time       // last heartbeat
	reports map[string]node.NodeReport // last report
	state   map[string]string          // HealthUp, HealthSuspect or HealthDown
	downAt  map[string]time.Time       // when the node went down
}

func newHealth(cfg Config) *health {
	return &health{cfg: cfg, seen: map[string]time.Time{}, reports: map[string]node.NodeReport{},
		state: map[string]string{}, downAt: map[string]time.Time{}}
}

// observe records a heartbeat.
func (h *health) observe(r node.NodeReport, now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seen[r.ID] = now
	h.reports[r.ID] = r
}

// transition is a node's health change.
type transition struct {
	node, from, to string
}

// evaluate updates the health of every member and returns the changes.
func (h *health) evaluate(members []string, now time.Time) []transition {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []transition
	for _, id := range members {
		if _, ok := h.seen[id]; !ok {
			h.seen[id] = now // a member never heard from by this leader gets a grace period
		}
		to := h.classify(now.Sub(h.seen[id]))
		from, known := h.state[id]
		h.state[id] = to
		if to == HealthDown && from != HealthDown {
			h.downAt[id] = now
		}
		if known && from != to {
			out = append(out, transition{node: id, from: from, to: to})
		}
	}
	h.forget(members)
	return out
}

func (h *health) classify(age time.Duration) string {
	switch {
	case age >= h.cfg.DownAfter:
		return HealthDown
	case age >= h.cfg.SuspectAfter:
		return HealthSuspect
	}
	return HealthUp
}

// forget drops nodes that are no longer members.
func (h *health) forget(members []string) {
	for id := range h.seen {
		if !slices.Contains(members, id) {
			delete(h.seen, id)
			delete(h.reports, id)
			delete(h.state, id)
			delete(h.downAt, id)
		}
	}
}

// of returns a node's health, its last heartbeat and its last report.
func (h *health) of(id string) (string, time.Time, node.NodeReport) {
	h.mu.Lock()
	defer h.mu.Unlock()
	st, ok := h.state[id]
	if !ok {
		st = HealthUp
	}
	return st, h.seen[id], h.reports[id]
}

// downFor reports how long a node has been down (0 when it is not).
func (h *health) downFor(id string, now time.Time) time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.state[id] != HealthDown {
		return 0
	}
	return now.Sub(h.downAt[id])
}

// isDown reports whether a node is down: silent past DownAfter.
func (h *health) isDown(id string) bool {
	st, _, _ := h.of(id)
	return st == HealthDown
}

// isUp reports whether a node is up.
func (h *health) isUp(id string) bool {
	st, _, _ := h.of(id)
	return st == HealthUp
}

// report returns a node's last report and whether there is one.
func (h *health) report(id string) (node.NodeReport, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	r, ok := h.reports[id]
	return r, ok
}

// upReports returns the last report of every node that is up.
func (h *health) upReports() map[string]node.NodeReport {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make(map[string]node.NodeReport, len(h.reports))
	for id, r := range h.reports {
		if st, ok := h.state[id]; !ok || st == HealthUp {
			out[id] = r
		}
	}
	return out
}

// replica returns node id's last reported status of partition pid.
func (h *health) replica(id string, pid uint64) (node.ReplicaStatus, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, rs := range h.reports[id].Replicas {
		if rs.Partition == pid {
			return rs, true
		}
	}
	return node.ReplicaStatus{}, false
}

// reset forgets everything, as a new leader starts.
func (h *health) reset() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seen = map[string]time.Time{}
	h.reports = map[string]node.NodeReport{}
	h.state = map[string]string{}
	h.downAt = map[string]time.Time{}
}

// allReports returns the last report of every node.
func (h *health) allReports() map[string]node.NodeReport {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make(map[string]node.NodeReport, len(h.reports))
	for id, r := range h.reports {
		out[id] = r
	}
	return out
}
