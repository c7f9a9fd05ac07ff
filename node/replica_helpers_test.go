package node

import (
	"errors"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/raft"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The test groups run inside a testing/synctest bubble, where time is fake:
// waiting costs no real time, so the limit can be generous.
const (
	groupSize = 3
	groupWait = 2 * time.Minute       // longest a test waits for a group to reach a state
	groupTick = 10 * time.Millisecond // how often it looks again
)

// groupRaftConfig returns Raft timings that elect a leader within a few
// hundred milliseconds of fake time. Snapshots are only taken on request.
func groupRaftConfig() RaftConfig {
	return RaftConfig{
		HeartbeatTimeout:   100 * time.Millisecond,
		ElectionTimeout:    100 * time.Millisecond,
		LeaderLeaseTimeout: 50 * time.Millisecond,
		CommitTimeout:      5 * time.Millisecond,
		SnapshotInterval:   time.Hour,
	}
}

// testGroup is a three-replica Raft group (nodes n1..n3) whose replicas talk
// over in-memory transports that a test can cut and heal. It must be made
// inside a synctest bubble; the test's cleanup closes every replica and
// transport before the bubble ends.
type testGroup struct {
	t        *testing.T
	replicas []*Replica
	trans    []*raft.InmemTransport
}

// newTestGroup starts the three replicas, connects them and bootstraps the
// group on n1 with all three as voters.
func newTestGroup(t *testing.T, rc RaftConfig) *testGroup {
	t.Helper()
	g := &testGroup{t: t}
	t.Cleanup(g.close)
	servers := make([]raft.Server, groupSize)
	for i := range servers {
		id := fmt.Sprintf("n%d", i+1)
		_, trans := raft.NewInmemTransport(raft.ServerAddress(id))
		g.trans = append(g.trans, trans)
		servers[i] = raft.Server{Suffrage: raft.Voter, ID: raft.ServerID(id), Address: raft.ServerAddress(id)}
	}
	for i := range g.trans {
		g.connect(i)
	}
	for i, s := range servers {
		r, err := NewReplica(ReplicaConfig{Partition: 1, NodeID: string(s.ID), Transport: g.trans[i], Raft: rc})
		require.NoError(t, err)
		g.replicas = append(g.replicas, r)
	}
	require.NoError(t, g.replicas[0].Bootstrap(servers))
	return g
}

// close shuts every replica down (which closes its transport) and closes
// the transports of replicas that never started. It goes on after a failure,
// so that nothing outlives the bubble.
func (g *testGroup) close() {
	for _, r := range g.replicas {
		assert.NoError(g.t, closeReplica(r))
	}
	for _, tr := range g.trans {
		assert.NoError(g.t, tr.Close())
	}
}

// connect routes traffic both ways between replica i and every other replica.
func (g *testGroup) connect(i int) {
	for j, peer := range g.trans {
		if j != i {
			g.trans[i].Connect(peer.LocalAddr(), peer)
			peer.Connect(g.trans[i].LocalAddr(), g.trans[i])
		}
	}
}

// isolate cuts r off from every other replica, both ways; r keeps running.
// It returns once the messages sent before the cut have been answered (the
// in-memory transport delivers those), so that from then on r hears nothing.
func (g *testGroup) isolate(r *Replica) {
	i := g.index(r)
	g.trans[i].DisconnectAll()
	for j, peer := range g.trans {
		if j != i {
			peer.Disconnect(g.trans[i].LocalAddr())
		}
	}
	synctest.Wait()
}

// heal reconnects r, cut off by isolate, to every other replica.
func (g *testGroup) heal(r *Replica) { g.connect(g.index(r)) }

// stop cuts r off and closes it, as if its node had crashed.
func (g *testGroup) stop(r *Replica) {
	g.isolate(r)
	require.NoError(g.t, closeReplica(r))
}

// closeReplica closes r, or gives up after groupWait: the other replicas'
// timers keep fake time moving, so a Close that never returns would hang the
// test instead of failing it. The goroutine left behind then makes the
// bubble report what blocked it.
func closeReplica(r *Replica) error {
	done := make(chan error, 1)
	go func() { done <- r.Close() }()
	select {
	case err := <-done:
		return err
	case <-time.After(groupWait):
		return fmt.Errorf("close of %s did not return within %s", r.nodeID, groupWait)
	}
}

func (g *testGroup) index(r *Replica) int {
	for i, x := range g.replicas {
		if x == r {
			return i
		}
	}
	require.FailNow(g.t, "replica not in the group")
	return -1
}

// others returns the replicas of the group other than r.
func (g *testGroup) others(r *Replica) []*Replica {
	var out []*Replica
	for _, x := range g.replicas {
		if x != r {
			out = append(out, x)
		}
	}
	return out
}

// waitLeader waits until exactly one of rs leads and every one of rs names
// it as the leader, and returns it.
func (g *testGroup) waitLeader(rs ...*Replica) *Replica {
	g.t.Helper()
	var leader *Replica
	require.Eventually(g.t, func() bool {
		leader = agreedLeader(rs)
		return leader != nil
	}, groupWait, groupTick, "no leader agreed among %d replicas", len(rs))
	return leader
}

// agreedLeader returns the only leader among rs if all of rs name it.
func agreedLeader(rs []*Replica) *Replica {
	var leader *Replica
	for _, r := range rs {
		if r.IsLeader() {
			if leader != nil {
				return nil
			}
			leader = r
		}
	}
	for _, r := range rs {
		if id, _ := r.Leader(); leader == nil || id != leader.nodeID {
			return nil
		}
	}
	return leader
}

// waitApplied waits until every one of rs has applied index.
func (g *testGroup) waitApplied(index uint64, rs ...*Replica) {
	g.t.Helper()
	require.Eventually(g.t, func() bool {
		for _, r := range rs {
			if r.FSM().AppliedIndex() < index {
				return false
			}
		}
		return true
	}, groupWait, groupTick, "not every replica applied index %d", index)
}

// put writes key=value through leader and returns the acknowledged result.
func (g *testGroup) put(leader *Replica, key, value string) Result {
	g.t.Helper()
	res, err := leader.Propose(g.t.Context(), putCmd(key, value))
	require.NoError(g.t, err, "put %q", key)
	require.True(g.t, res.Succeeded)
	return res
}

// requireErrorIsAny asserts that err matches at least one of targets.
func requireErrorIsAny(t *testing.T, err error, targets ...error) {
	t.Helper()
	require.Error(t, err)
	for _, target := range targets {
		if errors.Is(err, target) {
			return
		}
	}
	require.Failf(t, "unexpected error", "%v matches none of %v", err, targets)
}

// requireNotLeaderHint asserts that err is a *NotLeaderError naming leader.
func requireNotLeaderHint(t *testing.T, err error, leader *Replica) {
	t.Helper()
	require.ErrorIs(t, err, ErrNotLeader)
	var nl *NotLeaderError
	require.ErrorAs(t, err, &nl)
	require.Equal(t, leader.nodeID, nl.LeaderID)
	require.Equal(t, leader.nodeID, nl.Addr, "the test transports use node IDs as addresses")
}
