package node

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/node/part"
)

// Real-time limits of the tests that run a node over loopback TCP.
const (
	tcpWait = 10 * time.Second
	tcpTick = 5 * time.Millisecond
)

// fakeController records what nodes send to a controller's API.
type fakeController struct {
	mu        sync.Mutex
	requests  []string // "join" or "heartbeat", in arrival order
	joins     []JoinRequest
	reports   []NodeReport
	failJoins int       // joins answered 503 before one succeeds
	forgotten bool      // heartbeats answer 404 until the next join
	answerMap *part.Map // sent with every heartbeat answer when set
	hang      bool      // heartbeats wait until the node gives up
	hanging   int       // heartbeats waiting now
	cancelled int       // heartbeats the node gave up
}

func newFakeController(t *testing.T) (*fakeController, *httptest.Server) {
	c := &fakeController{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/nodes", c.serveJoin)
	mux.HandleFunc("POST /v1/nodes/{id}/heartbeat", c.serveHeartbeat)
	srv := httptest.NewServer(mux) // listens on 127.0.0.1:0
	t.Cleanup(srv.Close)
	return c, srv
}

func (c *fakeController) serveJoin(w http.ResponseWriter, r *http.Request) {
	var req JoinRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, Errorf(ErrBadRequest, "%v", err))
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.requests = append(c.requests, "join")
	if c.failJoins > 0 {
		c.failJoins--
		writeError(w, Errorf(ErrUnavailable, "controller has no leader yet"))
		return
	}
	c.joins = append(c.joins, req)
	c.forgotten = false
	w.WriteHeader(http.StatusNoContent)
}

func (c *fakeController) serveHeartbeat(w http.ResponseWriter, r *http.Request) {
	var rep NodeReport
	if err := json.NewDecoder(r.Body).Decode(&rep); err != nil || rep.ID != r.PathValue("id") {
		writeError(w, Errorf(ErrBadRequest, "bad report %+v: %v", rep, err))
		return
	}
	c.mu.Lock()
	c.requests = append(c.requests, "heartbeat")
	c.reports = append(c.reports, rep)
	hang, m, forgotten := c.hang, c.answerMap, c.forgotten
	c.mu.Unlock()
	if forgotten {
		writeError(w, Errorf(ErrNotFound, "node %s is not a member of the cluster: join first", rep.ID))
		return
	}
	if hang {
		c.wait(r)
		return
	}
	resp := HeartbeatResponse{MapVersion: rep.MapVersion}
	if m != nil {
		resp.Map, resp.MapVersion = m, m.Version
	}
	writeJSON(w, http.StatusOK, resp)
}

// wait holds a heartbeat until the node cancels it.
func (c *fakeController) wait(r *http.Request) {
	c.mu.Lock()
	c.hanging++
	c.mu.Unlock()
	<-r.Context().Done()
	c.mu.Lock()
	c.hanging--
	c.cancelled++
	c.mu.Unlock()
}

// read runs f on the recorded state under the lock.
func (c *fakeController) read(f func(c *fakeController) bool) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return f(c)
}

func startControlledNode(t *testing.T, controller string) *Node {
	t.Helper()
	n, err := New(Config{ID: "n1", Controller: controller, HeartbeatInterval: 10 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, n.Close()) })
	return n
}

func TestHeartbeatJoinsThenReports(t *testing.T) {
	c, srv := newFakeController(t)
	c.failJoins = 2
	n := startControlledNode(t, srv.URL+"/")

	require.Eventually(t, func() bool {
		return c.read(func(c *fakeController) bool { return len(c.reports) >= 2 })
	}, tcpWait, tcpTick, "the node joins and heartbeats")
	c.mu.Lock()
	defer c.mu.Unlock()
	require.Equal(t, []string{"join", "join", "join", "heartbeat"}, c.requests[:4], "joins are retried until one succeeds, then heartbeats follow")
	require.Equal(t, []JoinRequest{{ID: "n1", HTTPAddr: n.HTTPAddr(), RaftAddr: n.RaftAddr()}}, c.joins)
	rep := c.reports[0]
	require.Equal(t, NodeReport{ID: "n1", HTTPAddr: n.HTTPAddr(), RaftAddr: n.RaftAddr(), Replicas: []ReplicaStatus{}}, rep)
}

func TestHeartbeatRejoinsWhenForgotten(t *testing.T) {
	c, srv := newFakeController(t)
	startControlledNode(t, srv.URL)
	require.Eventually(t, func() bool {
		return c.read(func(c *fakeController) bool { return len(c.reports) >= 1 })
	}, tcpWait, tcpTick, "the node joins and heartbeats")
	c.mu.Lock()
	c.forgotten = true
	seen := len(c.requests)
	c.mu.Unlock()

	require.Eventually(t, func() bool {
		return c.read(func(c *fakeController) bool { return len(c.joins) == 2 && len(c.requests) > seen+2 })
	}, tcpWait, tcpTick, "the node joins again")
	c.mu.Lock()
	defer c.mu.Unlock()
	require.Equal(t, []string{"heartbeat", "join", "heartbeat"}, c.requests[seen:seen+3],
		"the heartbeat answered not_found is followed by a join, then heartbeats")
}

func TestHeartbeatInstallsNewerMap(t *testing.T) {
	c, srv := newFakeController(t)
	n := startControlledNode(t, srv.URL)
	m, err := part.Plan(part.PlanConfig{Partitions: 2, Replicas: 1, Nodes: []part.NodeInfo{n.Info()}})
	require.NoError(t, err)
	m.Version = 5
	c.mu.Lock()
	c.answerMap = m
	c.mu.Unlock()

	require.Eventually(t, func() bool {
		got := n.Map()
		return got != nil && got.Version == 5
	}, tcpWait, tcpTick, "the map answered is installed")
	require.Equal(t, m, n.Map())
	require.Eventually(t, func() bool {
		return c.read(func(c *fakeController) bool { return c.reports[len(c.reports)-1].MapVersion == 5 })
	}, tcpWait, tcpTick, "later reports carry the new version")

	older := m.Clone()
	older.Version = 4
	older.Partitions = older.Partitions[:1]
	older.Partitions[0].End = nil
	require.NoError(t, older.Validate())
	c.mu.Lock()
	c.answerMap = older
	seen := len(c.reports)
	c.mu.Unlock()
	require.Eventually(t, func() bool {
		return c.read(func(c *fakeController) bool { return len(c.reports) > seen+2 })
	}, tcpWait, tcpTick)
	require.Equal(t, m, n.Map(), "an older map answered is ignored")
}

func TestHeartbeatStopsOnClose(t *testing.T) {
	c, srv := newFakeController(t)
	c.hang = true
	n, err := New(Config{ID: "n1", Controller: srv.URL, HeartbeatInterval: 10 * time.Millisecond})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		return c.read(func(c *fakeController) bool { return c.hanging == 1 })
	}, tcpWait, tcpTick, "a heartbeat is in flight")

	require.NoError(t, n.Close())
	select {
	case <-n.beater.done:
	default:
		require.Fail(t, "Close returned before the heartbeat goroutine ended")
	}
	require.Eventually(t, func() bool {
		return c.read(func(c *fakeController) bool { return c.cancelled == 1 && c.hanging == 0 })
	}, tcpWait, tcpTick, "Close cancels the heartbeat in flight")
	require.True(t, c.read(func(c *fakeController) bool { return len(c.reports) == 1 }), "no heartbeat after the one cancelled")
}

func TestHeartbeatStopsWhileJoining(t *testing.T) {
	c, srv := newFakeController(t)
	c.failJoins = 1 << 30
	n, err := New(Config{ID: "n1", Controller: srv.URL, HeartbeatInterval: 10 * time.Millisecond})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		return c.read(func(c *fakeController) bool { return len(c.requests) >= 2 })
	}, tcpWait, tcpTick, "the node retries its join")
	require.NoError(t, n.Close())
	select {
	case <-n.beater.done:
	default:
		require.Fail(t, "Close returned before the join loop ended")
	}
	require.True(t, c.read(func(c *fakeController) bool { return len(c.reports) == 0 }), "a node that never joined never heartbeats")
}

func TestConfigValidateController(t *testing.T) {
	cases := []struct {
		name       string
		controller string
		interval   time.Duration
		ok         bool
	}{
		{"none", "", 0, true},
		{"http", "http://127.0.0.1:8080", 0, true},
		{"https with path", "https://ctl.example/", time.Second, true},
		{"no scheme", "127.0.0.1:8080", 0, false},
		{"other scheme", "ftp://ctl.example", 0, false},
		{"no host", "http://", 0, false},
		{"negative interval", "", -time.Second, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Config{ID: "n1", Controller: c.controller, HeartbeatInterval: c.interval}.Validate()
			if c.ok {
				require.NoError(t, err)
			} else {
				require.Error(t, err)
			}
		})
	}
}
