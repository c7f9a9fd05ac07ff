package node

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/node/part"
)

// tcpRaftConfig returns Raft timings for groups over loopback TCP in real
// time: quick elections, yet slack enough that a busy machine (two cores,
// the race detector, other test binaries) does not depose a leader mid-test.
func tcpRaftConfig() RaftConfig {
	return RaftConfig{
		HeartbeatTimeout:   500 * time.Millisecond,
		ElectionTimeout:    500 * time.Millisecond,
		LeaderLeaseTimeout: 250 * time.Millisecond,
		CommitTimeout:      5 * time.Millisecond,
		SnapshotInterval:   time.Hour,
	}
}

// startTestNode starts a node on loopback ports with quick Raft timings.
func startTestNode(t *testing.T, id string) *Node {
	t.Helper()
	n, err := New(Config{ID: id, Raft: tcpRaftConfig()})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, n.Close()) })
	return n
}

// startPair starts nodes n1 and n2 sharing partition 1 and returns them
// with their map.
func startPair(t *testing.T) (n1, n2 *Node, m *part.Map) {
	t.Helper()
	n1, n2 = startTestNode(t, "n1"), startTestNode(t, "n2")
	m, err := part.Plan(part.PlanConfig{Partitions: 1, Replicas: 2, Nodes: []part.NodeInfo{n1.Info(), n2.Info()}})
	require.NoError(t, err)
	for _, n := range []*Node{n1, n2} {
		require.NoError(t, n.SetMap(m))
	}
	require.NoError(t, n1.CreateReplica(1, true))
	require.NoError(t, n2.CreateReplica(1, false))
	return n1, n2, m
}

// waitPair waits until partition 1 has a leader both nodes know and returns
// the leader's node, then the follower's.
func waitPair(t *testing.T, a, b *Node) (leader, follower *Node) {
	t.Helper()
	require.Eventually(t, func() bool {
		leader, follower = pairLeader(a, b)
		return leader != nil
	}, tcpWait, tcpTick, "partition 1 has a leader both nodes know")
	return leader, follower
}

// pairLeader returns the node whose replica of partition 1 leads, then the
// other, once both name the same leader.
func pairLeader(a, b *Node) (leader, follower *Node) {
	ra, _ := a.Replica(1)
	rb, _ := b.Replica(1)
	if r := agreedLeader([]*Replica{ra, rb}); r == ra {
		return a, b
	} else if r == rb {
		return b, a
	}
	return nil, nil
}

// adminCall sends body to n's path and returns the status and the body.
func adminCall(t *testing.T, n *Node, method, path, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, "http://"+n.HTTPAddr()+path, strings.NewReader(body))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, data
}

// errorOf decodes the JSON error of an answer.
func errorOf(t *testing.T, body []byte) ErrorDetail {
	t.Helper()
	var e ErrorBody
	require.NoError(t, json.Unmarshal(body, &e), "body %s", body)
	return e.Error
}

func TestMemberEndpointsRefuse(t *testing.T) {
	n1, n2, _ := startPair(t)
	cases := []struct {
		name       string
		onLeader   bool
		method     string
		path       string
		body       string
		wantStatus int
		wantCode   string
	}{
		{"members of an unknown partition", true, "GET", "/v1/admin/replicas/7/members", "", 404, CodeNotFound},
		{"change of an unknown partition", true, "POST", "/v1/admin/replicas/7/members", `{"action":"remove","node_id":"n2"}`, 404, CodeNotFound},
		{"transfer of an unknown partition", true, "POST", "/v1/admin/replicas/7/transfer-leader", `{"to":"n2"}`, 404, CodeNotFound},
		{"partition ID not a number", true, "GET", "/v1/admin/replicas/one/members", "", 400, CodeBadRequest},
		{"malformed change", true, "POST", "/v1/admin/replicas/1/members", `{"action":`, 400, CodeBadRequest},
		{"unknown field", true, "POST", "/v1/admin/replicas/1/members", `{"action":"remove","node":"n2"}`, 400, CodeBadRequest},
		{"unknown action", true, "POST", "/v1/admin/replicas/1/members", `{"action":"demote","node_id":"n2"}`, 400, CodeBadRequest},
		{"learner without address", true, "POST", "/v1/admin/replicas/1/members", `{"action":"add_learner","node_id":"n3"}`, 400, CodeBadRequest},
		{"malformed transfer", true, "POST", "/v1/admin/replicas/1/transfer-leader", `[]`, 400, CodeBadRequest},
		{"transfer to a stranger", true, "POST", "/v1/admin/replicas/1/transfer-leader", `{"to":"n9","raft_addr":"127.0.0.1:1"}`, 400, CodeBadRequest},
		{"members on a follower", false, "GET", "/v1/admin/replicas/1/members", "", 503, CodeUnavailable},
		{"change on a follower", false, "POST", "/v1/admin/replicas/1/members", `{"action":"remove","node_id":"n1"}`, 503, CodeUnavailable},
		{"transfer on a follower", false, "POST", "/v1/admin/replicas/1/transfer-leader", `{"to":"n1"}`, 503, CodeUnavailable},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			leader, follower := waitPair(t, n1, n2)
			n := follower
			if c.onLeader {
				n = leader
			}
			status, body := adminCall(t, n, c.method, c.path, c.body)
			require.Equal(t, c.wantStatus, status, "body %s", body)
			e := errorOf(t, body)
			require.Equal(t, c.wantCode, e.Code)
			if c.wantCode == CodeUnavailable {
				require.Contains(t, e.Message, "leader "+leader.ID(), "the answer names the leader")
				require.Contains(t, e.Message, leader.HTTPAddr(), "and where its API is")
			}
		})
	}
	rep, _ := n1.Replica(1)
	require.Len(t, rep.configuration(), 2, "no refused request changed the group")
}

func TestMemberEndpointsMove(t *testing.T) {
	n1, n2, m := startPair(t)
	leader, follower := waitPair(t, n1, n2)
	n3 := startTestNode(t, "n3")
	require.NoError(t, n3.SetMap(m))
	require.ErrorIs(t, n3.CreateReplica(1, true), ErrBadRequest, "only a node the map lists may bootstrap")
	require.NoError(t, n3.CreateReplica(1, false), "a replica joining by a move needs no place in the map")
	require.ErrorIs(t, n3.CreateReplica(1, false), ErrConflict, "a second creation conflicts")

	change := func(action, id, addr string) []Member {
		t.Helper()
		body, err := json.Marshal(MemberChange{Action: action, NodeID: id, RaftAddr: addr})
		require.NoError(t, err)
		status, data := adminCall(t, leader, "POST", "/v1/admin/replicas/1/members", string(body))
		require.Equal(t, http.StatusOK, status, "%s %s: %s", action, id, data)
		var members []Member
		require.NoError(t, json.Unmarshal(data, &members))
		return members
	}
	require.ElementsMatch(t, []Member{
		{ID: leader.ID(), RaftAddr: leader.RaftAddr(), Voter: true},
		{ID: follower.ID(), RaftAddr: follower.RaftAddr(), Voter: true},
		{ID: "n3", RaftAddr: n3.RaftAddr(), Voter: false},
	}, change(MemberAddLearner, "n3", n3.RaftAddr()))
	lead, _ := leader.Replica(1)
	learner, _ := n3.Replica(1)
	require.Eventually(t, func() bool {
		st := learner.Status()
		return st.Learner && st.AppliedIndex >= lead.Raft().CommitIndex()
	}, tcpWait, tcpTick, "the learner catches up")

	change(MemberPromote, "n3", "")
	require.ElementsMatch(t, []Member{
		{ID: leader.ID(), RaftAddr: leader.RaftAddr(), Voter: true},
		{ID: "n3", RaftAddr: n3.RaftAddr(), Voter: true},
	}, change(MemberRemove, follower.ID(), ""))

	status, data := adminCall(t, leader, "POST", "/v1/admin/replicas/1/transfer-leader", `{"to":"n3","raft_addr":""}`)
	require.Equal(t, http.StatusOK, status, "%s", data)
	require.Eventually(t, learner.IsLeader, tcpWait, tcpTick, "n3 takes over")
	status, data = adminCall(t, n3, "GET", "/v1/admin/replicas/1/members", "")
	require.Equal(t, http.StatusOK, status, "%s", data)
	var members []Member
	require.NoError(t, json.Unmarshal(data, &members))
	require.Len(t, members, 2)
}
