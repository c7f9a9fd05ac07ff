package balancer

import (
	"github.com/treekv/kv/node/controller"
)

// syncView brings the backends and the leader table in line with a
// cluster view: every node gets a backend (a new one with source
// "controller" unless one has its address already), nodes the controller
// reports down take no requests, and the controller's backends of nodes
// that left are drained. Backends added by hand stay, and those deleted by
// hand stay deleted.
func (bal *Balancer) syncView(v controller.ClusterView) {
	bal.leaders.Store(newLeaderTable(v))
	inView := map[string]bool{}
	for _, n := range v.Nodes {
		inView[n.ID] = true
		if b := bal.backendOf(n); b != nil {
			b.setControllerDown(n.Health == controller.HealthDown)
		}
	}
	for _, b := range bal.pool.all() {
		id := b.node()
		switch {
		case b.source == SourceController && !inView[b.id]:
			bal.logger.Info("node left the cluster: draining its backend", "backend", b.id)
			bal.drainBackend(b)
		case id != "" && !inView[id]:
			b.setNode("")
			b.setControllerDown(false)
		}
	}
}

// backendOf returns the backend of node n, adding one when none has its ID
// or address. A controller backend whose node moved to a new address is
// replaced.
func (bal *Balancer) backendOf(n controller.NodeView) *backend {
	if _, removed := bal.removed.Load(n.ID); removed {
		return nil
	}
	b, ok := bal.pool.byNode(n.ID)
	if ok && b.source == SourceController && b.url.Host != n.HTTPAddr {
		bal.logger.Info("node moved: replacing its backend", "backend", b.id, "url", n.HTTPAddr)
		bal.removeBackend(b)
		ok = false
	}
	if !ok {
		b, ok = bal.pool.byHost(n.HTTPAddr)
	}
	if ok {
		b.setNode(n.ID)
		return b
	}
	u, err := parseBackendURL(n.HTTPAddr)
	if err != nil {
		bal.logger.Warn("controller lists a node without a usable address", "node", n.ID, "address", n.HTTPAddr)
		return nil
	}
	b = newBackend(n.ID, u, SourceController)
	b.setNode(n.ID)
	if err := bal.addBackend(b); err != nil {
		bal.logger.Warn("cannot add the backend of a node", "node", n.ID, "error", err)
		return nil
	}
	return b
}
