package balancer

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/node"
	"github.com/treekv/kv/node/controller"
	"github.com/treekv/kv/node/internal/apitest"
	"github.com/treekv/kv/node/part"
)

// recordingNode is a storage node stand-in that answers every request 200
// and records what reached it.
type recordingNode struct {
	srv  *httptest.Server
	mu   sync.Mutex
	hits int
	path string // escaped path and query of the last request
	body []byte // body of the last request
}

func newRecordingNode(tb testing.TB) *recordingNode {
	n := &recordingNode{}
	n.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		n.mu.Lock()
		n.hits, n.path, n.body = n.hits+1, r.URL.RequestURI(), body
		n.mu.Unlock()
		node.WriteJSON(w, http.StatusOK, node.PutResponse{Revision: 1})
	}))
	tb.Cleanup(n.srv.Close)
	return n
}

// last returns the number of requests so far and the last one's target
// and body.
func (n *recordingNode) last() (int, string, []byte) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.hits, n.path, n.body
}

// fuzzMaxBody keeps oversized bodies cheap to generate.
const fuzzMaxBody = 1 << 10

// backendSet names the backends by ID and URL, to compare the pool before
// and after a request.
func backendSet(bal *Balancer) []string {
	var out []string
	for _, b := range bal.Backends() {
		out = append(out, b.ID+" "+b.URL)
	}
	slices.Sort(out)
	return out
}

// resetPool leaves exactly one static backend for the recording node.
func resetPool(t *testing.T, bal *Balancer, rec *recordingNode) {
	u, err := parseBackendURL(rec.srv.URL)
	require.NoError(t, err)
	for _, b := range bal.pool.all() {
		if b.id != u.Host || b.url.String() != u.String() || b.draining {
			bal.removeBackend(b)
		}
	}
	if _, ok := bal.pool.byID(u.Host); !ok {
		require.NoError(t, bal.addBackend(newBackend(u.Host, u, SourceStatic)))
	}
}

// FuzzBalancerHandler sends arbitrary requests through the balancer's
// whole handler: its own API (/v1/backends, status, health) and the data
// API it forwards to one recording node. Every error answer is the API's
// JSON error, never a 500; a request the balancer refuses (an oversized
// body, a bad backend, an unknown route) reaches no node and leaves the
// backends as they were; a forwarded request reaches the node with the
// same escaped path, query and body.
func FuzzBalancerHandler(f *testing.F) {
	for _, s := range balancerFuzzSeeds {
		f.Add(s.method, s.target, []byte(s.body), s.header)
	}
	rec := newRecordingNode(f)
	bal, err := New(Config{Backends: []string{rec.srv.URL}, CheckInterval: -1, MaxBodySize: fuzzMaxBody})
	require.NoError(f, err)
	f.Cleanup(bal.Close)
	f.Fuzz(func(t *testing.T, method, target string, body []byte, header string) {
		r := apitest.WireRequest(method, target, http.Header{HeaderRequestID: {header}, node.HeaderIdempotencyKey: {header}}, body)
		if r == nil {
			return
		}
		defer resetPool(t, bal, rec)
		before, backends := rec.hitCount(), backendSet(bal)
		w := httptest.NewRecorder()
		bal.ServeHTTP(w, r)
		apitest.RequireAnswer(t, w, apitest.DesignStatuses)
		hits, path, got := rec.last()
		if w.Code/100 != 2 {
			require.Equal(t, before, hits, "%s %s answered %d yet reached the node", method, target, w.Code)
			require.Equal(t, backends, backendSet(bal), "%s %s answered %d yet changed the backends", method, target, w.Code)
		}
		if hits > before {
			require.True(t, isDataAPI(r), "%s %s is not the data API", method, target)
			require.Equal(t, r.URL.RequestURI(), path)
			require.Equal(t, body, got)
		}
	})
}

func (n *recordingNode) hitCount() int {
	hits, _, _ := n.last()
	return hits
}

// balancerFuzzSeeds are valid requests and near misses of every route.
var balancerFuzzSeeds = []struct {
	method, target, body, header string
}{
	{"GET", "/v1/backends", "", ""},
	{"POST", "/v1/backends", `{"id":"n2","url":"http://127.0.0.1:1"}`, ""},
	{"POST", "/v1/backends", `{"url":"127.0.0.1:1"} {}`, ""},
	{"POST", "/v1/backends", `{"id":"../etc","url":"127.0.0.1:1"}`, ""},
	{"POST", "/v1/backends", "{\"id\":\"n\xff\",\"url\":\"127.0.0.1:1\"}", ""},
	{"GET", "/v1/backends/..%2Fx", "", ""},
	{"DELETE", "/v1/backends/nobody", "", ""},
	{"DELETE", "/v1/backends/../status", "", ""},
	{"GET", "/v1/status", "", ""},
	{"GET", "/healthz", "", ""},
	{"GET", "/readyz", "", ""},
	{"GET", "/", "", ""},
	{"GET", "/nope", "", ""},
	{"PUT", "/v1/kv/a", "value", "req-1"},
	{"PUT", "/v1/kv/..%2F..%2Fetc%2Fpasswd?if_revision=0", "x", ""},
	{"PUT", "/v1/kv/%FF", "x", ""},
	{"PUT", "/v1/kv/big", string(make([]byte, fuzzMaxBody+1)), ""},
	{"GET", "/v1/kv/a?consistency=stale", "", ""},
	{"DELETE", "/v1/kv/a%2Fb", "", "idem\x00"},
	{"GET", "/v1/scan?prefix=a&limit=5", "", ""},
	{"POST", "/v1/txn", `{"success":[{"op":"get","key":"a"}]}`, ""},
	{"POST", "/v1/txnx", "", ""},
}

// FuzzSyncView decodes arbitrary bytes as the controller's cluster view,
// as the balancer's watch does, and syncs the balancer with it. Nothing
// panics, whatever the view holds (an invalid map, duplicate nodes, bad
// addresses); every backend has a usable base URL; and leader-aware
// routing can place any key or answers that it cannot.
func FuzzSyncView(f *testing.F) {
	for _, seed := range syncViewSeeds(f) {
		f.Add(seed, "user:1")
	}
	f.Add([]byte(`{"nodes":[{"id":"n1","http_addr":"127.0.0.1:1"},{"id":"n1","http_addr":"127.0.0.1:2"}]}`), "k")
	f.Add([]byte(`{"nodes":[{"id":"n1","http_addr":"http://x/y?z"},{"id":"","http_addr":""}]}`), "")
	f.Add([]byte(`{"map":{"partitioner":"range","partitions":[{"id":1,"end":"bQ==","replicas":["n1"]}]},"partitions":[{"id":1,"leader":"n9"}]}`), "z")
	f.Add([]byte(`{"map":{"partitioner":"nope"}}`), "a")
	rec := newRecordingNode(f)
	bal, err := New(Config{Backends: []string{rec.srv.URL}, CheckInterval: -1})
	require.NoError(f, err)
	f.Cleanup(bal.Close)
	f.Fuzz(func(t *testing.T, data []byte, key string) {
		var view controller.ClusterView
		if json.Unmarshal(data, &view) != nil {
			return
		}
		defer resetView(t, bal, rec)
		bal.syncView(view)
		for _, b := range bal.pool.all() {
			again, err := parseBackendURL(b.url.String())
			require.NoError(t, err, "backend %s", b.id)
			require.Equal(t, b.url.String(), again.String())
		}
		leader, replicas, ok := bal.leaders.Load().locate(key)
		if !ok {
			require.Empty(t, leader)
			require.Empty(t, replicas)
		}
		_ = bal.Status()
	})
}

// resetView forgets a view: the backends, the leader table and the nodes
// deleted by hand.
func resetView(t *testing.T, bal *Balancer, rec *recordingNode) {
	resetPool(t, bal, rec)
	bal.leaders.Store(&leaderTable{})
	bal.removed.Clear()
}

// syncViewSeeds are views of a healthy cluster of three nodes, with and
// without leaders and a node down.
func syncViewSeeds(tb testing.TB) [][]byte {
	nodes := []part.NodeInfo{{ID: "n1", HTTPAddr: "127.0.0.1:1"}, {ID: "n2", HTTPAddr: "127.0.0.1:2"}, {ID: "n3", HTTPAddr: "127.0.0.1:3"}}
	m, err := part.Plan(part.PlanConfig{Partitions: 4, Replicas: 2, Nodes: nodes})
	require.NoError(tb, err)
	view := controller.ClusterView{Version: 1 << 32, Map: m}
	for _, n := range nodes {
		view.Nodes = append(view.Nodes, controller.NodeView{ID: n.ID, HTTPAddr: n.HTTPAddr, Health: controller.HealthUp})
	}
	var out [][]byte
	for _, withLeaders := range []bool{false, true} {
		if withLeaders {
			for _, p := range m.Partitions {
				view.Partitions = append(view.Partitions, controller.PartitionView{ID: p.ID, Leader: p.Replicas[0]})
			}
			view.Nodes[2].Health = controller.HealthDown
		}
		data, err := json.Marshal(view)
		require.NoError(tb, err)
		out = append(out, data)
	}
	return out
}
