package kv

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/treekv/kv/node"
)

// target is where one attempt goes: a base URL and, when the attempt was
// routed to a partition's leader, that leader's node ID.
type target struct {
	base   string
	leader string // the node expected to serve the attempt, "" if any may
	routed bool   // chosen from the cluster map, not from the endpoint list
}

// routeTable is one cluster view, indexed for routing.
type routeTable struct {
	version uint64
	m       *PartitionMap
	leaders map[uint64]string // partition ID -> leader node ID
	addrs   map[string]string // node ID -> base URL
	urls    []string          // every node's base URL, sorted
}

// newRouteTable indexes view. Nodes whose address is unusable are left out.
func newRouteTable(view ClusterView) *routeTable {
	t := &routeTable{version: view.Version, m: view.Map,
		leaders: map[uint64]string{}, addrs: map[string]string{}}
	for _, n := range view.Map.Nodes {
		t.addNode(n.ID, n.HTTPAddr)
	}
	for _, n := range view.Nodes {
		t.addNode(n.ID, n.HTTPAddr)
	}
	for _, p := range view.Partitions {
		if p.Leader != "" {
			t.leaders[p.ID] = p.Leader
		}
	}
	for _, u := range t.addrs {
		t.urls = append(t.urls, u)
	}
	slices.Sort(t.urls)
	return t
}

func (t *routeTable) addNode(id, httpAddr string) {
	if base, err := parseClientEndpoint(httpAddr); err == nil && id != "" {
		t.addrs[id] = base
	}
}

// locate returns where a request for key should go: its partition's leader,
// or for a stale read any replica of the partition.
func (t *routeTable) locate(key string, stale bool) (target, bool) {
	p, err := t.m.Locate(key)
	if err != nil {
		return target{}, false
	}
	if stale && len(p.Replicas) > 0 {
		base, ok := t.addrs[p.Replicas[rand.N(len(p.Replicas))]]
		return target{base: base, routed: true}, ok
	}
	leader := t.leaders[p.ID]
	base, ok := t.addrs[leader]
	return target{base: base, leader: leader, routed: true}, ok
}

// awaitEndpoints waits, for a client without endpoints of its own, until
// the first cluster map gives it some, or ctx ends.
func (c *Client) awaitEndpoints(ctx context.Context, a *apiCall) error {
	if len(c.endpoints) > 0 {
		return nil
	}
	select {
	case <-c.router.ready:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("kv: %s: waiting for the cluster map from the controller: %w (%w)",
			a.target(), ctx.Err(), ErrUnavailable)
	}
}

// pick chooses the endpoint of attempt i of a call: the partition's leader
// from the cluster map when the call has one key and that endpoint has not
// failed in this call, else the next endpoint in turn.
func (c *Client) pick(a *apiCall, r *retryState, i int) target {
	if c.router != nil && a.routeKey != "" {
		if t, ok := c.router.locate(a.routeKey, a.stale); ok && !slices.Contains(r.tried, t.base) {
			return t
		}
	}
	endpoints := c.endpoints
	if len(endpoints) == 0 {
		endpoints = c.router.urls()
	}
	if len(endpoints) == 0 { // a map without nodes: the attempt fails as unreachable
		return target{base: "http://0.0.0.0:0"}
	}
	return target{base: endpoints[(r.start+uint64(i))%uint64(len(endpoints))]}
}

// observe asks for a fresh cluster map when an attempt shows the client's
// map is out of date: a routed request another node served (it was
// forwarded), or a routed request that failed in a way a retry elsewhere
// might fix.
func (c *Client) observe(t target, ans *apiAnswer, f *attemptFailure) {
	if c.router == nil {
		return
	}
	switch {
	case f != nil && (errors.Is(f.err, ErrNotLeader) || (t.routed && f.retryable)):
		c.router.kick()
	case f == nil && t.leader != "" && ans.header.Get(node.HeaderNode) != t.leader:
		c.router.kick()
	}
}

// router follows a controller's cluster view: it fetches it, then
// long-polls for every change in a goroutine that Close stops.
type router struct {
	controllers []string
	http        *http.Client
	ready       chan struct{} // closed when the first view is installed
	stop        context.CancelFunc
	done        chan struct{} // closed when the goroutine has returned

	mu         sync.Mutex
	table      *routeTable
	kicked     bool               // a fresh view is wanted now
	cancelWait context.CancelFunc // ends the long poll in flight, if any
}

func newRouter(controllers []string, hc *http.Client) *router {
	ctx, stop := context.WithCancel(context.Background())
	r := &router{controllers: controllers, http: hc, ready: make(chan struct{}),
		stop: stop, done: make(chan struct{})}
	go r.run(ctx)
	return r
}

// close stops the goroutine and waits for it.
func (r *router) close() {
	r.stop()
	<-r.done
}

func (r *router) current() *routeTable {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.table
}

func (r *router) locate(key string, stale bool) (target, bool) {
	if t := r.current(); t != nil {
		return t.locate(key, stale)
	}
	return target{}, false
}

func (r *router) urls() []string {
	if t := r.current(); t != nil {
		return t.urls
	}
	return nil
}

// kick asks for a fresh view now: it ends the long poll in flight, and a
// kick during a fetch makes another fetch follow it.
func (r *router) kick() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.kicked = true
	if r.cancelWait != nil {
		r.cancelWait()
		r.cancelWait = nil
	}
}

// install makes t the current table, unless a newer one is installed.
func (r *router) install(t *routeTable) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.table == nil {
		close(r.ready)
	} else if t.version < r.table.version {
		return
	}
	r.table = t
}

// Pauses between failed fetches of the cluster view.
const (
	routerBaseBackoff = 50 * time.Millisecond
	routerMaxBackoff  = 2 * time.Second
)

// run fetches the view, then long-polls for each newer one, until ctx ends.
// Failed fetches move on to the next controller after a growing pause.
func (r *router) run(ctx context.Context) {
	defer close(r.done)
	pause := routerBaseBackoff
	for n := 0; ctx.Err() == nil; {
		view, err := r.poll(ctx, r.controllers[n%len(r.controllers)])
		if err == nil {
			r.install(newRouteTable(view))
			pause = routerBaseBackoff
			continue
		}
		if r.wasKicked() {
			continue
		}
		n++
		sleepCtx(ctx, pause)
		pause = min(2*pause, routerMaxBackoff)
	}
}

// poll fetches the view from base: at once when there is none yet or a
// fresh one was asked for, else once it is newer than the current one.
func (r *router) poll(ctx context.Context, base string) (ClusterView, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	wait, now := r.beginPoll(cancel)
	defer r.endPoll()
	if now {
		return fetchView(ctx, r.http, base, nil)
	}
	return fetchView(ctx, r.http, base, &wait)
}

func (r *router) beginPoll(cancel context.CancelFunc) (wait uint64, now bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.table == nil || r.kicked {
		r.kicked = false
		return 0, true
	}
	r.cancelWait = cancel
	return r.table.version, false
}

func (r *router) endPoll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cancelWait = nil
}

func (r *router) wasKicked() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.kicked
}

// sleepCtx waits for d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
