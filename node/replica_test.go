package node

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/raft"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every test below runs a three-replica group over in-memory transports
// inside a synctest bubble: elections and commits take fake time only, and
// the bubble fails the test if any goroutine outlives the replicas' Close.

func TestReplicaElection(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := newTestGroup(t, groupRaftConfig())
		leader := g.waitLeader(g.replicas...)
		leaders := 0
		for _, r := range g.replicas {
			if r.IsLeader() {
				leaders++
			}
			st := r.Status()
			require.Equal(t, leader.nodeID, st.LeaderID, "%s knows the leader", r.nodeID)
			require.Equal(t, leader.nodeID, st.LeaderAddr)
			require.Equal(t, groupSize, st.Voters)
		}
		require.Equal(t, 1, leaders, "exactly one leader")
		require.Equal(t, "Leader", leader.Status().State)
	})
}

func TestReplicaReplicatedWrites(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := newTestGroup(t, groupRaftConfig())
		leader := g.waitLeader(g.replicas...)
		revs := map[string]uint64{}
		for i := range 5 {
			key := fmt.Sprintf("k%d", i)
			revs[key] = g.put(leader, key, "v"+strconv.Itoa(i)).Revision
		}
		last := g.put(leader, "k0", "again").Revision
		g.waitApplied(last, g.replicas...)

		want := leader.FSM().Scan("", "", 0)
		require.Len(t, want, 5)
		for _, e := range want[1:] {
			require.Equal(t, revs[e.Key], e.ModRevision, "key %s", e.Key)
		}
		require.Equal(t, Entry{Key: "k0", Value: []byte("again"), CreateRevision: revs["k0"], ModRevision: last, Version: 2}, want[0])
		for _, r := range g.others(leader) {
			require.Equal(t, want, r.FSM().Scan("", "", 0), "%s holds the leader's state", r.nodeID)
		}

		for _, f := range g.others(leader) {
			_, err := f.Propose(t.Context(), putCmd("refused", "x"))
			requireNotLeaderHint(t, err, leader)
		}
		g.waitApplied(g.put(leader, "barrier", "x").Revision, g.replicas...)
		for _, r := range g.replicas {
			_, ok := r.FSM().Get("refused")
			require.False(t, ok, "a write refused by a follower is applied nowhere")
		}
	})
}

func TestReplicaLeaderLossReelection(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := newTestGroup(t, groupRaftConfig())
		old := g.waitLeader(g.replicas...)
		acked := g.put(old, "acked", "1")

		g.stop(old)
		rest := g.others(old)
		leader := g.waitLeader(rest...)
		require.NoError(t, leader.ReadBarrier(t.Context()))
		e, ok := leader.FSM().Get("acked")
		require.True(t, ok, "an acknowledged write survives the loss of its leader")
		require.Equal(t, acked.Revision, e.ModRevision)
		require.Equal(t, []byte("1"), e.Value)

		next := g.put(leader, "next", "2")
		require.Greater(t, next.Revision, acked.Revision)
		g.waitApplied(next.Revision, rest...)
		for _, r := range rest {
			_, ok := r.FSM().Get("next")
			require.True(t, ok, "%s applied the new leader's write", r.nodeID)
		}
	})
}

func TestReplicaCutOffLeader(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := newTestGroup(t, groupRaftConfig())
		old := g.waitLeader(g.replicas...)
		before := g.put(old, "before", "1")
		require.NoError(t, old.ReadBarrier(t.Context()), "the leader serves reads before the cut")

		g.isolate(old)
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		var readErr, writeErr error
		var wg sync.WaitGroup
		wg.Go(func() { readErr = old.ReadBarrier(ctx) })
		wg.Go(func() { _, writeErr = old.Propose(ctx, putCmd("lost", "x")) })
		wg.Wait()
		requireErrorIsAny(t, readErr, ErrNotLeader, ErrUnavailable)
		requireErrorIsAny(t, writeErr, ErrNotLeader, ErrUnavailable, ErrIndeterminate)
		require.False(t, old.IsLeader(), "a leader without a quorum steps down")

		leader := g.waitLeader(g.others(old)...)
		after := g.put(leader, "after", "2")
		require.Greater(t, after.Revision, before.Revision)

		g.heal(old)
		g.waitLeader(g.replicas...)
		g.waitApplied(after.Revision, g.replicas...)
		require.False(t, old.IsLeader())
		require.Equal(t, leader.FSM().Scan("", "", 0), old.FSM().Scan("", "", 0), "the old leader converges")
		for _, r := range g.replicas {
			_, ok := r.FSM().Get("lost")
			require.False(t, ok, "%s: the cut-off leader's unacknowledged write is discarded", r.nodeID)
		}
	})
}

func TestReplicaSnapshotInstall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rc := groupRaftConfig()
		rc.SnapshotThreshold, rc.TrailingLogs = 8, 4
		g := newTestGroup(t, rc)
		leader := g.waitLeader(g.replicas...)
		lagging := g.others(leader)[0]
		g.waitApplied(g.put(leader, "k00", "v").Revision, g.replicas...)

		g.isolate(lagging)
		const keys = 40
		var last uint64
		for i := 1; i < keys; i++ {
			last = g.put(leader, fmt.Sprintf("k%02d", i), "v").Revision
		}
		// Both up-to-date replicas compact, so whichever leads after the
		// heal can only catch the lagging one up from a snapshot.
		up := g.others(lagging)
		g.waitApplied(last, up...)
		snapIndex := last
		for _, r := range up {
			require.NoError(t, r.Snapshot())
			first, err := r.stores.logs.FirstIndex()
			require.NoError(t, err)
			require.Greater(t, first, lagging.Raft().LastIndex()+1, "%s's log no longer holds what the lagging replica lacks", r.nodeID)
			snapIndex = min(snapIndex, lastSnapshotIndex(r))
		}

		g.heal(lagging)
		require.Eventually(t, func() bool {
			return lastSnapshotIndex(lagging) >= snapIndex &&
				lagging.FSM().AppliedIndex() == leader.FSM().AppliedIndex() && lagging.FSM().Len() == keys
		}, groupWait, groupTick, "the lagging replica never caught up from a snapshot")
		require.Equal(t, leader.FSM().Scan("", "", 0), lagging.FSM().Scan("", "", 0))
		require.Equal(t, leader.Status().AppliedIndex, lagging.Status().AppliedIndex)
	})
}

// lastSnapshotIndex returns the index of the last snapshot r took or
// installed, or 0 if none.
func lastSnapshotIndex(r *Replica) uint64 {
	n, _ := strconv.ParseUint(r.Raft().Stats()["last_snapshot_index"], 10, 64)
	return n
}

func TestReplicaReadBarrierLinearizable(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := newTestGroup(t, groupRaftConfig())
		leader := g.waitLeader(g.replicas...)
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Go(func() {
				key := fmt.Sprintf("k%d", i)
				for n := range 3 {
					value := strconv.Itoa(n)
					res, err := leader.Propose(t.Context(), putCmd(key, value))
					if !assert.NoError(t, err) || !assert.NoError(t, leader.ReadBarrier(t.Context())) {
						return
					}
					e, ok := leader.FSM().Get(key)
					assert.True(t, ok, "read of %s after write %d", key, n)
					assert.Equal(t, value, string(e.Value), "read of %s after write %d", key, n)
					assert.Equal(t, res.Revision, e.ModRevision, "read of %s after write %d", key, n)
				}
			})
		}
		wg.Wait()

		for _, f := range g.others(leader) {
			requireNotLeaderHint(t, f.ReadBarrier(t.Context()), leader)
		}
	})
}

func TestReplicaIndeterminateOnLostLeadership(t *testing.T) {
	cases := []struct {
		name    string
		timeout time.Duration // of the proposal's context
		ctxDone bool          // whether the context ends before leadership is lost
	}{
		// The leader keeps its lease for LeaderLeaseTimeout (50ms) after the
		// last contact with a quorum, at most 20ms before the cut.
		{"context ends first", 5 * time.Millisecond, true},
		{"leadership lost first", 10 * time.Second, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				g := newTestGroup(t, groupRaftConfig())
				leader := g.waitLeader(g.replicas...)
				g.put(leader, "k", "1")

				g.isolate(leader)
				ctx, cancel := context.WithTimeout(t.Context(), c.timeout)
				defer cancel()
				res, err := leader.Propose(ctx, putCmd("k", "2"))
				require.ErrorIs(t, err, ErrIndeterminate, "an entry that cannot commit is neither acknowledged nor failed")
				require.NotErrorIs(t, err, ErrNotLeader)
				require.NotErrorIs(t, err, ErrUnavailable)
				require.Zero(t, res)
				require.NotContains(t, err.Error(), "%!", "the message is well formed")
				require.Equal(t, c.ctxDone, ctx.Err() != nil)
			})
		})
	}
}

func TestReplicaCloseStopsEverything(t *testing.T) {
	cases := []struct {
		name    string
		pending func(ctx context.Context, r *Replica) error // runs on a cut-off leader as it closes
		want    []error                                     // what pending may answer
	}{
		{name: "idle"},
		{"pending proposal", func(ctx context.Context, r *Replica) error {
			_, err := r.Propose(ctx, putCmd("k", "2"))
			return err
		}, []error{ErrIndeterminate}},
		{"pending read barrier", func(ctx context.Context, r *Replica) error {
			return r.ReadBarrier(ctx)
		}, []error{ErrNotLeader, ErrUnavailable}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				g := newTestGroup(t, groupRaftConfig())
				leader := g.waitLeader(g.replicas...)
				g.put(leader, "k", "1")
				require.NoError(t, leader.ReadBarrier(t.Context()))
				if c.pending != nil {
					closeWhilePending(t, g, leader, c.pending, c.want)
				}
				for _, r := range g.replicas {
					require.NoError(t, closeReplica(r))
				}
				for _, r := range g.replicas {
					requireClosed(t, g, r)
				}
			})
		})
	}
}

// closeWhilePending cuts leader off, starts pending on it, closes it while
// pending waits and checks that pending then answers one of want.
func closeWhilePending(t *testing.T, g *testGroup, leader *Replica, pending func(context.Context, *Replica) error, want []error) {
	t.Helper()
	g.isolate(leader)
	done := make(chan error, 1)
	go func() { done <- pending(t.Context(), leader) }()
	synctest.Wait()
	require.Empty(t, done, "the call waits while the leader is cut off")
	require.NoError(t, closeReplica(leader))
	requireErrorIsAny(t, <-done, want...)
}

// requireClosed checks that r, closed, has let go of its transport, closes
// again without error and refuses every request.
func requireClosed(t *testing.T, g *testGroup, r *Replica) {
	t.Helper()
	trans := g.trans[g.index(r)]
	for _, peer := range g.others(r) {
		_, err := trans.AppendEntriesPipeline(raft.ServerID(peer.nodeID), raft.ServerAddress(peer.nodeID))
		require.Error(t, err, "Close closed the transport of %s", r.nodeID)
	}
	require.NoError(t, closeReplica(r), "Close again")
	require.Equal(t, "Shutdown", r.Status().State)
	_, err := r.Propose(t.Context(), putCmd("late", "x"))
	require.ErrorIs(t, err, ErrNotLeader)
	require.ErrorIs(t, r.ReadBarrier(t.Context()), ErrNotLeader)
}
