package balancer

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/node"
	"github.com/treekv/kv/node/controller"
	"github.com/treekv/kv/node/part"
)

// fakeController serves GET /v1/cluster, long-polling on ?wait= as the
// controller does, from a view the test sets.
type fakeController struct {
	srv     *httptest.Server
	mu      sync.Mutex
	view    controller.ClusterView
	changed chan struct{} // closed when the view changes
}

func newFakeController(t *testing.T) *fakeController {
	c := &fakeController{changed: make(chan struct{})}
	c.srv = httptest.NewServer(http.HandlerFunc(c.serve))
	t.Cleanup(c.srv.Close)
	return c
}

// set publishes v under the next version and returns that version.
func (c *fakeController) set(v controller.ClusterView) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	v.Version = c.view.Version + 1
	c.view = v
	close(c.changed)
	c.changed = make(chan struct{})
	return v.Version
}

func (c *fakeController) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/cluster" {
		http.NotFound(w, r)
		return
	}
	wait, err := strconv.ParseUint(r.URL.Query().Get("wait"), 10, 64)
	for {
		c.mu.Lock()
		view, changed := c.view, c.changed
		c.mu.Unlock()
		if err != nil || view.Version > wait {
			node.WriteJSON(w, http.StatusOK, view)
			return
		}
		select {
		case <-changed:
		case <-r.Context().Done():
			return
		}
	}
}

// clusterOf describes the fake nodes as a cluster n1, n2, ... with the
// given partitions of two replicas each; each partition's leader is its
// second replica, so routing must follow the view, not the preferred
// leader.
func clusterOf(t *testing.T, nodes []*fakeNode, partitions int) controller.ClusterView {
	v := controller.ClusterView{}
	var infos []part.NodeInfo
	for i, n := range nodes {
		id := fmt.Sprintf("n%d", i+1)
		infos = append(infos, part.NodeInfo{ID: id, HTTPAddr: n.host()})
		v.Nodes = append(v.Nodes, controller.NodeView{ID: id, HTTPAddr: n.host(), Health: controller.HealthUp})
	}
	m, err := part.Plan(part.PlanConfig{Partitions: partitions, Replicas: 2, Nodes: infos})
	require.NoError(t, err)
	v.Map = m
	for _, p := range m.Partitions {
		v.Partitions = append(v.Partitions, controller.PartitionView{ID: p.ID, Leader: p.Replicas[1]})
	}
	return v
}

// waitVersion waits until the balancer has synced the view of version.
func (tb *testBalancer) waitVersion(version uint64) {
	tb.t.Helper()
	require.Eventually(tb.t, func() bool {
		var s Status
		return json.Unmarshal(tb.get("/v1/status").body, &s) == nil && s.ClusterVersion == version
	}, eventually, pollEvery, "cluster view version %d", version)
}

// keyIn returns a key that the map places in partition pid.
func keyIn(t *testing.T, m *part.Map, pid uint64) string {
	for i := range 10000 {
		key := fmt.Sprintf("key-%d", i)
		if p, err := m.Locate(key); err == nil && p.ID == pid {
			return key
		}
	}
	t.Fatalf("no key found in partition %d", pid)
	return ""
}

// hitCounts returns each fake node's data request count.
func hitCounts(nodes []*fakeNode) []int {
	out := make([]int, len(nodes))
	for i, n := range nodes {
		out[i] = n.hits()
	}
	return out
}

// nodeIndex returns i for node ID "n<i+1>".
func nodeIndex(id string) int {
	i, _ := strconv.Atoi(id[1:])
	return i - 1
}

// startLeaderAware starts three fake nodes, a fake controller with their
// cluster of three partitions, and a leader-aware balancer that knows it.
func startLeaderAware(t *testing.T) ([]*fakeNode, *fakeController, controller.ClusterView, *testBalancer) {
	nodes := []*fakeNode{newFakeNode(t, "n1"), newFakeNode(t, "n2"), newFakeNode(t, "n3")}
	ctl := newFakeController(t)
	view := clusterOf(t, nodes, 3)
	version := ctl.set(view)
	tb := startBalancer(t, Config{Controller: ctl.srv.URL, Policy: PolicyLeaderAware, CheckInterval: -1})
	tb.waitVersion(version)
	return nodes, ctl, view, tb
}

// requireHits checks that each node received its count more requests
// than before.
func requireHits(t *testing.T, nodes []*fakeNode, before []int, more func(n *fakeNode) int, what string) {
	t.Helper()
	for i, n := range nodes {
		require.Equal(t, before[i]+more(n), n.hits(), "%s: node %s", what, n.name)
	}
}

// Leader-aware routing sends a key's reads and writes to its partition's
// leader, spreads stale reads over the partition's replicas only, and
// sends scans round-robin.
func TestLeaderAwareRouting(t *testing.T) {
	nodes, _, view, tb := startLeaderAware(t)
	for _, p := range view.Map.Partitions {
		key, leader := keyIn(t, view.Map, p.ID), view.Partitions[p.ID-1].Leader
		before := hitCounts(nodes)
		tb.getOK("/v1/kv/"+key, 3)
		require.Equal(t, http.StatusOK, tb.do(http.MethodPut, "/v1/kv/"+key, []byte("v"), nil).status)
		requireHits(t, nodes, before, func(n *fakeNode) int { return 4 * boolInt(n.name == leader) },
			fmt.Sprintf("partition %d led by %s", p.ID, leader))

		before = hitCounts(nodes)
		tb.getOK("/v1/kv/"+key+"?consistency=stale", 4)
		requireHits(t, nodes, before, func(n *fakeNode) int { return 2 * boolInt(slices.Contains(p.Replicas, n.name)) },
			fmt.Sprintf("stale reads of partition %d on %v", p.ID, p.Replicas))
	}
	before := hitCounts(nodes)
	tb.getOK("/v1/scan?prefix=key", 3)
	requireHits(t, nodes, before, func(*fakeNode) int { return 1 }, "scans go round-robin")
}

// Leader-aware routing follows a leader change, and avoids a leader the
// controller reports down.
func TestLeaderAwareFollowsTheView(t *testing.T) {
	nodes, ctl, view, tb := startLeaderAware(t)
	key := keyIn(t, view.Map, 1)
	view.Partitions[0].Leader = view.Map.Partitions[0].Replicas[0]
	tb.waitVersion(ctl.set(view))
	leader := nodes[nodeIndex(view.Partitions[0].Leader)]
	before := hitCounts(nodes)
	tb.getOK("/v1/kv/"+key, 2)
	require.Equal(t, before[nodeIndex(leader.name)]+2, leader.hits(), "reads follow the new leader")

	view.Nodes[nodeIndex(leader.name)].Health = controller.HealthDown
	tb.waitVersion(ctl.set(view))
	before = hitCounts(nodes)
	tb.getOK("/v1/kv/"+key, 4)
	require.Equal(t, before[nodeIndex(leader.name)], leader.hits(), "a leader reported down gets nothing")
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// The controller watch adds a backend per node (reusing a static backend
// at the node's address), marks nodes reported down unhealthy, removes the
// backends of nodes that left, keeps backends added by hand, and moves on
// to the next controller URL when one fails.
func TestControllerWatchSyncsBackends(t *testing.T) {
	nodes := []*fakeNode{newFakeNode(t, "n1"), newFakeNode(t, "n2"), newFakeNode(t, "n3")}
	extra := newFakeNode(t, "extra")
	ctl := newFakeController(t)
	view := clusterOf(t, nodes[:2], 1)
	version := ctl.set(view)
	tb := startBalancer(t, Config{Controller: "http://" + closedURL(t) + "," + ctl.srv.URL,
		Backends: []string{nodes[2].host()}, CheckInterval: -1})
	tb.waitVersion(version)

	got := tb.backends()
	require.Len(t, got, 3)
	require.Equal(t, SourceController, got["n1"].Source)
	require.Equal(t, "n1", got["n1"].Node)
	require.Equal(t, nodes[0].srv.URL, got["n1"].URL)
	require.Equal(t, SourceStatic, got[nodes[2].host()].Source)
	ans := tb.do(http.MethodPost, "/v1/backends", []byte(`{"id":"extra","url":"`+extra.host()+`"}`), nil)
	require.Equal(t, http.StatusCreated, ans.status)

	view = clusterOf(t, nodes, 1)
	view.Nodes = view.Nodes[1:] // n1 left; n3 joined at the static backend's address
	view.Nodes[0].Health = controller.HealthDown
	tb.waitVersion(ctl.set(view))
	got = tb.backends()
	require.NotContains(t, got, "n1", "the backend of a node that left is removed")
	require.NotContains(t, got, "n3", "n3 reuses the static backend at its address")
	require.Equal(t, "n3", got[nodes[2].host()].Node)
	require.False(t, got["n2"].Healthy, "a node reported down takes no requests")
	require.Equal(t, SourceAPI, got["extra"].Source, "a backend added by hand stays")

	view.Nodes[0].Health = controller.HealthUp
	tb.waitVersion(ctl.set(view))
	require.True(t, tb.backends()["n2"].Healthy)
}

// A controller backend deleted through the API stays deleted when the next
// view lists its node again, until a POST names it again.
func TestDeletedControllerBackendStaysDeleted(t *testing.T) {
	nodes := []*fakeNode{newFakeNode(t, "n1"), newFakeNode(t, "n2")}
	ctl := newFakeController(t)
	view := clusterOf(t, nodes, 1)
	tb := startBalancer(t, Config{Controller: ctl.srv.URL, CheckInterval: -1})
	tb.waitVersion(ctl.set(view))
	require.Contains(t, tb.backends(), "n1")

	ans := tb.do(http.MethodDelete, "/v1/backends/n1", nil, nil)
	require.Contains(t, []int{http.StatusOK, http.StatusAccepted}, ans.status)
	tb.waitVersion(ctl.set(view))
	require.NotContains(t, tb.backends(), "n1", "the next view does not bring it back")

	ans = tb.do(http.MethodPost, "/v1/backends", []byte(`{"id":"n1","url":"`+nodes[0].host()+`"}`), nil)
	require.Equal(t, http.StatusCreated, ans.status)
	tb.waitVersion(ctl.set(view))
	require.Contains(t, tb.backends(), "n1")
}
