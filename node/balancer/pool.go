package balancer

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/treekv/kv/node"
)

// pool is the set of backends. Readers take a snapshot without locking;
// changes copy the list under mu.
type pool struct {
	mu   sync.Mutex
	list atomic.Pointer[[]*backend] // sorted by ID, never modified in place
}

func newPool() *pool {
	p := &pool{}
	p.list.Store(&[]*backend{})
	return p
}

// all returns the backends sorted by ID. The slice is shared: read only.
func (p *pool) all() []*backend { return *p.list.Load() }

// add inserts b, or fails with ErrConflict when its ID or URL is taken.
func (p *pool) add(b *backend) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	list := p.all()
	for _, o := range list {
		if o.id == b.id {
			return node.Errorf(node.ErrConflict, "backend %q exists", b.id)
		}
		if o.url.String() == b.url.String() {
			return node.Errorf(node.ErrConflict, "backend %q already has URL %s", o.id, b.url)
		}
	}
	next := append(slices.Clone(list), b)
	slices.SortFunc(next, func(x, y *backend) int { return strings.Compare(x.id, y.id) })
	p.list.Store(&next)
	return nil
}

// remove takes b out of the pool; it reports whether b was there.
func (p *pool) remove(b *backend) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	list := p.all()
	i := slices.Index(list, b)
	if i < 0 {
		return false
	}
	next := slices.Delete(slices.Clone(list), i, i+1)
	p.list.Store(&next)
	return true
}

// byID returns the backend with the given ID.
func (p *pool) byID(id string) (*backend, bool) {
	for _, b := range p.all() {
		if b.id == id {
			return b, true
		}
	}
	return nil, false
}

// byNode returns the backend of storage node id: the one the controller
// named so, else one whose ID is the node's.
func (p *pool) byNode(id string) (*backend, bool) {
	if id == "" {
		return nil, false
	}
	var byID *backend
	for _, b := range p.all() {
		if b.node() == id {
			return b, true
		}
		if b.id == id {
			byID = b
		}
	}
	return byID, byID != nil
}

// byHost returns the backend whose URL has host ("host:port").
func (p *pool) byHost(host string) (*backend, bool) {
	for _, b := range p.all() {
		if b.url.Host == host {
			return b, true
		}
	}
	return nil, false
}
