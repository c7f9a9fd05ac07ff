package balancer

import (
	"slices"
	"sync/atomic"
	"time"
)

// policy chooses the backend for a request among candidates (never empty).
// Implementations are safe for concurrent use.
type policy interface {
	pick(rt route, candidates []*backend) *backend
}

func newPolicy(name string, table func() *leaderTable) policy {
	switch name {
	case PolicyLeastOutstanding:
		return &leastOutstanding{}
	case PolicyLeaderAware:
		return &leaderAware{table: table}
	}
	return &roundRobin{}
}

// roundRobin takes the candidates in turn.
type roundRobin struct{ next atomic.Uint64 }

func (p *roundRobin) pick(_ route, c []*backend) *backend {
	return c[p.turn()%uint64(len(c))]
}

func (p *roundRobin) turn() uint64 { return p.next.Add(1) - 1 }

// leastOutstanding takes the candidate with the fewest requests in flight;
// the scan starts at a rotating offset so ties go round-robin.
type leastOutstanding struct{ rr roundRobin }

func (p *leastOutstanding) pick(_ route, c []*backend) *backend {
	start := p.rr.turn()
	var best *backend
	for i := range uint64(len(c)) {
		b := c[(start+i)%uint64(len(c))]
		if best == nil || b.inFlight.Load() < best.inFlight.Load() {
			best = b
		}
	}
	return best
}

// leaderAware sends a single-key request to its partition's leader and a
// stale read to any replica of the partition, round-robin; everything else,
// and what the leader table cannot place, goes round-robin.
type leaderAware struct {
	rr    roundRobin
	table func() *leaderTable
}

func (p *leaderAware) pick(rt route, c []*backend) *backend {
	if rt.key == "" {
		return p.rr.pick(rt, c)
	}
	leader, replicas, ok := p.table().locate(rt.key)
	if !ok {
		return p.rr.pick(rt, c)
	}
	if rt.stale {
		if rs := onNodes(c, replicas); len(rs) > 0 {
			return p.rr.pick(rt, rs)
		}
		return p.rr.pick(rt, c)
	}
	for _, b := range c {
		if leader != "" && b.node() == leader {
			return b
		}
	}
	return p.rr.pick(rt, c)
}

// onNodes returns the candidates that are backends of the given nodes.
func onNodes(c []*backend, nodes []string) []*backend {
	var out []*backend
	for _, b := range c {
		if slices.Contains(nodes, b.node()) {
			out = append(out, b)
		}
	}
	return out
}

// candidates returns the backends a request may be sent to: the healthy
// open ones or, when none is healthy, every open one (Envoy's panic mode:
// during an election every node fails its readiness check, yet serves
// again as soon as a leader is elected). Among them the best group comes
// first: backends neither tried by this request nor ejected; else untried
// ones even if ejected; else tried ones that answered; else tried ones it
// never reached. It is empty when no backend is open.
func candidates(all []*backend, ex *exchange, now time.Time) []*backend {
	var healthyGroups, unhealthyGroups [4][]*backend
	for _, b := range all {
		healthy, open, ejected := b.state(now)
		if !open {
			continue
		}
		rank := 0
		switch {
		case ex.refused[b]:
			rank = 3
		case ex.tried[b]:
			rank = 2
		case ejected:
			rank = 1
		}
		if healthy {
			healthyGroups[rank] = append(healthyGroups[rank], b)
		} else {
			unhealthyGroups[rank] = append(unhealthyGroups[rank], b)
		}
	}
	for _, g := range append(healthyGroups[:], unhealthyGroups[:]...) {
		if len(g) > 0 {
			return g
		}
	}
	return nil
}
