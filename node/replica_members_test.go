package node

import (
	"context"
	"testing"
	"testing/synctest"

	"github.com/hashicorp/raft"
	"github.com/stretchr/testify/require"
)

// addSpare starts a replica on node id that is not in the group's
// configuration, connected to every replica of g; g's cleanup closes it.
func addSpare(g *testGroup, id string) *Replica {
	g.t.Helper()
	_, trans := raft.NewInmemTransport(raft.ServerAddress(id))
	g.trans = append(g.trans, trans)
	g.connect(len(g.trans) - 1)
	r, err := NewReplica(ReplicaConfig{Partition: 1, NodeID: id, Transport: trans, Raft: groupRaftConfig()})
	require.NoError(g.t, err)
	g.replicas = append(g.replicas, r)
	return r
}

// configIndex returns the log index of r's latest configuration.
func configIndex(t *testing.T, r *Replica) uint64 {
	t.Helper()
	f := r.Raft().GetConfiguration()
	require.NoError(t, f.Error())
	return f.Index()
}

// requireMembers asserts the leader's member list: node ID -> voter.
func requireMembers(t *testing.T, leader *Replica, want map[string]bool) {
	t.Helper()
	members, err := leader.Members()
	require.NoError(t, err)
	got := map[string]bool{}
	for _, m := range members {
		require.Equal(t, m.ID, m.RaftAddr, "the test transports use node IDs as addresses")
		got[m.ID] = m.Voter
	}
	require.Equal(t, want, got)
	require.ElementsMatch(t, members, leader.Status().Members, "the leader's status lists the members")
}

func TestReplicaMembershipMove(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := newTestGroup(t, groupRaftConfig())
		leader := g.waitLeader(g.replicas...)
		before := g.put(leader, "before", "1")
		spare := addSpare(g, "n4")

		require.NoError(t, leader.AddLearner(t.Context(), "n4", "n4"))
		g.waitApplied(before.Revision, spare)
		requireMembers(t, leader, map[string]bool{"n1": true, "n2": true, "n3": true, "n4": false})
		st := spare.Status()
		require.True(t, st.Learner, "the added replica knows it is a learner")
		require.Equal(t, groupSize, st.Voters)
		require.Equal(t, leader.nodeID, st.LeaderID)
		require.Empty(t, st.Members, "only the leader reports members")
		e, ok := spare.FSM().Get("before")
		require.True(t, ok, "the learner received the log")
		require.Equal(t, []byte("1"), e.Value)

		require.NoError(t, leader.Promote(t.Context(), "n4", ""))
		requireMembers(t, leader, map[string]bool{"n1": true, "n2": true, "n3": true, "n4": true})
		require.Eventually(t, func() bool { return !spare.Status().Learner }, groupWait, groupTick)

		old := g.others(leader)[0]
		require.NoError(t, leader.RemoveMember(t.Context(), old.nodeID))
		want := map[string]bool{leader.nodeID: true, "n4": true}
		for _, r := range g.others(leader) {
			if r != old && r != spare {
				want[r.nodeID] = true
			}
		}
		requireMembers(t, leader, want)
		g.stop(old)

		// Cut one more of the three voters off: the write below needs the
		// new member's acknowledgement to reach a quorum.
		for _, r := range g.others(leader) {
			if r != old && r != spare {
				g.isolate(r)
			}
		}
		after := g.put(leader, "after", "2")
		g.waitApplied(after.Revision, spare)
		e, ok = spare.FSM().Get("after")
		require.True(t, ok, "the new member holds the write it acknowledged")
		require.Equal(t, after.Revision, e.ModRevision)
	})
}

func TestReplicaMembershipNoOps(t *testing.T) {
	cases := []struct {
		name   string
		change func(ctx context.Context, leader *Replica, voter string) error
	}{
		{"remove a server that is not a member", func(ctx context.Context, leader *Replica, _ string) error {
			return leader.RemoveMember(ctx, "n9")
		}},
		{"add a voter as a learner", func(ctx context.Context, leader *Replica, voter string) error {
			return leader.AddLearner(ctx, voter, voter)
		}},
		{"promote a voter", func(ctx context.Context, leader *Replica, voter string) error {
			return leader.Promote(ctx, voter, "")
		}},
		{"transfer leadership to the leader", func(ctx context.Context, leader *Replica, _ string) error {
			return leader.TransferLeadership(ctx, leader.nodeID, "")
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				g := newTestGroup(t, groupRaftConfig())
				leader := g.waitLeader(g.replicas...)
				g.put(leader, "k", "v")
				index := configIndex(t, leader)
				voter := g.others(leader)[0].nodeID

				require.NoError(t, c.change(t.Context(), leader, voter))
				require.Equal(t, index, configIndex(t, leader), "no configuration entry was added")
				requireMembers(t, leader, map[string]bool{"n1": true, "n2": true, "n3": true})
				require.True(t, leader.IsLeader())
			})
		})
	}
}

func TestReplicaMembershipOnFollower(t *testing.T) {
	cases := []struct {
		name string
		call func(ctx context.Context, f *Replica) error
	}{
		{"add learner", func(ctx context.Context, f *Replica) error { return f.AddLearner(ctx, "n4", "n4") }},
		{"promote", func(ctx context.Context, f *Replica) error { return f.Promote(ctx, "n4", "n4") }},
		{"remove", func(ctx context.Context, f *Replica) error { return f.RemoveMember(ctx, "n1") }},
		{"members", func(ctx context.Context, f *Replica) error { _, err := f.Members(); return err }},
		{"transfer leadership", func(ctx context.Context, f *Replica) error { return f.TransferLeadership(ctx, f.nodeID, "") }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				g := newTestGroup(t, groupRaftConfig())
				leader := g.waitLeader(g.replicas...)
				index := configIndex(t, leader)
				for _, f := range g.others(leader) {
					requireNotLeaderHint(t, c.call(t.Context(), f), leader)
				}
				require.Equal(t, index, configIndex(t, leader), "no configuration entry was added")
			})
		})
	}
}

func TestReplicaMembershipBadInput(t *testing.T) {
	cases := []struct {
		name string
		call func(ctx context.Context, leader *Replica) error
	}{
		{"learner without an ID", func(ctx context.Context, l *Replica) error { return l.AddLearner(ctx, "", "n4") }},
		{"learner without an address", func(ctx context.Context, l *Replica) error { return l.AddLearner(ctx, "n4", "") }},
		{"promote a stranger without an address", func(ctx context.Context, l *Replica) error { return l.Promote(ctx, "n4", "") }},
		{"remove without an ID", func(ctx context.Context, l *Replica) error { return l.RemoveMember(ctx, "") }},
		{"transfer to a stranger", func(ctx context.Context, l *Replica) error { return l.TransferLeadership(ctx, "n9", "n9") }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				g := newTestGroup(t, groupRaftConfig())
				leader := g.waitLeader(g.replicas...)
				index := configIndex(t, leader)
				require.ErrorIs(t, c.call(t.Context(), leader), ErrBadRequest)
				require.Equal(t, index, configIndex(t, leader), "no configuration entry was added")
			})
		})
	}
}

func TestReplicaTransferLeadership(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := newTestGroup(t, groupRaftConfig())
		old := g.waitLeader(g.replicas...)
		target := g.others(old)[1]
		require.NoError(t, old.TransferLeadership(t.Context(), target.nodeID, ""))
		require.Same(t, target, g.waitLeader(g.replicas...), "the named voter leads")
		g.put(target, "k", "v")
	})
}

func TestReplicaMembershipIndeterminateWhenCutOff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := newTestGroup(t, groupRaftConfig())
		leader := g.waitLeader(g.replicas...)
		spare := addSpare(g, "n4")
		g.isolate(leader)
		err := leader.AddLearner(t.Context(), spare.nodeID, spare.nodeID)
		require.ErrorIs(t, err, ErrIndeterminate, "a change proposed by a leader that then loses its quorum may still commit")
	})
}
