package controller

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/node"
	"github.com/treekv/kv/node/part"
)

// apiFixture is a one-instance controller that leads, with three member nodes
// n1..n3 (whose admin API is a fake that accepts every call), a map of two
// partitions of two replicas, a removed node "gone", and a heartbeat of
// every node in which each partition's first replica leads. Its scheduler
// stops once it has taken over, so only the API changes its state.
type apiFixture struct {
	c       *Controller
	h       http.Handler
	base    State
	reports []node.NodeReport
	local   *fakeLocal
}

// fixtureRaft elects a one-voter group within tens of milliseconds.
func fixtureRaft() node.RaftConfig {
	return node.RaftConfig{HeartbeatTimeout: 50 * time.Millisecond, ElectionTimeout: 50 * time.Millisecond,
		LeaderLeaseTimeout: 50 * time.Millisecond, CommitTimeout: 5 * time.Millisecond, SnapshotInterval: time.Hour}
}

func startAPIFixture(tb testing.TB) *apiFixture {
	tb.Helper()
	nodes := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		node.WriteJSON(w, http.StatusOK, map[string]string{})
	}))
	tb.Cleanup(nodes.Close)
	fx := &apiFixture{local: &fakeLocal{}}
	c, err := New(Config{ID: "c1", Raft: fixtureRaft(), Tick: 5 * time.Millisecond, Local: fx.local,
		SuspectAfter: time.Hour, DownAfter: 2 * time.Hour, ReplaceAfter: 3 * time.Hour})
	require.NoError(tb, err)
	tb.Cleanup(func() { require.NoError(tb, c.Close()) })
	fx.c, fx.h = c, c.handler()
	require.Eventually(tb, c.IsLeader, 10*time.Second, 5*time.Millisecond, "the controller leads")
	require.NoError(tb, c.sched.awaitTakeOver(tb.Context()))
	c.cancel() // stops the scheduler: from now on only the API changes the state
	fx.seed(tb, strings.TrimPrefix(nodes.URL, "http://"))
	return fx
}

// seed commits the fixture's state and records its heartbeats.
func (fx *apiFixture) seed(tb testing.TB, nodeAddr string) {
	tb.Helper()
	joined := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	st := State{Removed: []string{"gone"}}
	for _, id := range []string{"n1", "n2", "n3"} {
		st.Nodes = append(st.Nodes, NodeRecord{ID: id, HTTPAddr: nodeAddr, RaftAddr: "127.0.0.1:1", Joined: joined})
	}
	m, err := part.Plan(part.PlanConfig{Partitions: 2, Replicas: 2, Nodes: st.nodeInfos()})
	require.NoError(tb, err)
	st.Map = m
	fx.base = st
	fx.restoreState(tb)
	fx.reports = reportsOf(m, st.memberIDs())
	fx.restoreHealth()
}

// reportsOf makes each node's heartbeat: each partition's first replica
// leads it, with every replica a voter.
func reportsOf(m *part.Map, ids []string) []node.NodeReport {
	var out []node.NodeReport
	for _, id := range ids {
		rep := node.NodeReport{ID: id, HTTPAddr: "127.0.0.1:1", RaftAddr: "127.0.0.1:1", MapVersion: m.Version}
		for _, p := range m.Partitions {
			if !slices.Contains(p.Replicas, id) {
				continue
			}
			rs := node.ReplicaStatus{Partition: p.ID, State: "Follower", LeaderID: p.Replicas[0], Term: 1}
			if p.Replicas[0] == id {
				rs.State = "Leader"
				for _, r := range p.Replicas {
					rs.Members = append(rs.Members, node.Member{ID: r, RaftAddr: "127.0.0.1:1", Voter: true})
				}
			}
			rep.Replicas = append(rep.Replicas, rs)
		}
		out = append(out, rep)
	}
	return out
}

// restoreState commits the fixture's base state again.
func (fx *apiFixture) restoreState(tb testing.TB) {
	tb.Helper()
	_, err := fx.c.store.update(tb.Context(), func(st *State) error {
		data, err := json.Marshal(fx.base)
		if err != nil {
			return err
		}
		version := st.Version
		*st = State{}
		err = json.Unmarshal(data, st)
		st.Version = version
		return err
	})
	require.NoError(tb, err)
}

// restoreHealth forgets every heartbeat but the fixture's own.
func (fx *apiFixture) restoreHealth() {
	fx.c.health.reset()
	for _, r := range fx.reports {
		fx.c.health.observe(r, time.Now())
	}
}

// apiState is what the API may change: the replicated state (by its
// revision) and the nodes' last heartbeats.
type apiState struct {
	revision uint64
	reports  map[string]node.NodeReport
	local    []string
}

func (fx *apiFixture) state(tb testing.TB) apiState {
	tb.Helper()
	_, rev, err := fx.c.store.local()
	require.NoError(tb, err)
	return apiState{revision: rev, reports: fx.c.health.allReports(), local: fx.local.calls()}
}

// fakeLocal stands for nodes run in the controller's process: it knows
// n1..n3 and records every action asked of them.
type fakeLocal struct {
	mu  sync.Mutex
	log []string
}

func (l *fakeLocal) act(what, id string) error {
	if !slices.Contains([]string{"n1", "n2", "n3"}, id) {
		return node.Errorf(node.ErrNotFound, "no local node %q", id)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.log = append(l.log, what+" "+id)
	return nil
}

func (l *fakeLocal) calls() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.log)
}

// StopNode records a stop of node id.
func (l *fakeLocal) StopNode(id string) error { return l.act("stop", id) }

// RestartNode records a restart of node id.
func (l *fakeLocal) RestartNode(id string) error { return l.act("restart", id) }

// SetIsolated records an isolation or a heal of node id.
func (l *fakeLocal) SetIsolated(id string, isolated bool) error {
	if isolated {
		return l.act("isolate", id)
	}
	return l.act("heal", id)
}
