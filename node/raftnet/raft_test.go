package raftnet

import (
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/raft"
	"github.com/stretchr/testify/require"
)

// countFSM counts the commands applied to it.
type countFSM struct {
	mu      sync.Mutex
	applied []string
}

func (f *countFSM) Apply(l *raft.Log) any {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.applied = append(f.applied, string(l.Data))
	return len(f.applied)
}

func (f *countFSM) Snapshot() (raft.FSMSnapshot, error) { return nil, fmt.Errorf("no snapshots") }
func (f *countFSM) Restore(io.ReadCloser) error         { return fmt.Errorf("no snapshots") }

func (f *countFSM) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.applied)
}

// TestRaftGroupsReplicateOverOneNet runs two Raft groups of three replicas
// on three nodes whose Nets carry their replication, and checks that every
// replica of each group applies every write, in the leader's order.
func TestRaftGroupsReplicateOverOneNet(t *testing.T) {
	nodes := []*testNode{newTestNode(t, 5*time.Second), newTestNode(t, 5*time.Second), newTestNode(t, 5*time.Second)}
	for _, group := range []uint64{1, 2} {
		rafts, fsms := startGroup(t, nodes, group)
		leader := waitLeader(t, rafts)
		for i := range 200 {
			require.NoError(t, leader.Apply(fmt.Appendf(nil, "g%d-%d", group, i), 5*time.Second).Error())
		}
		for _, f := range fsms {
			require.Eventually(t, func() bool { return f.count() == 200 }, 10*time.Second, 5*time.Millisecond)
		}
		for _, f := range fsms[1:] {
			f.mu.Lock()
			fsms[0].mu.Lock()
			require.Equal(t, fsms[0].applied, f.applied)
			fsms[0].mu.Unlock()
			f.mu.Unlock()
		}
	}
}

// startGroup starts a Raft group of one replica per node, over the nodes'
// Nets, and returns its replicas and their state machines.
func startGroup(t *testing.T, nodes []*testNode, group uint64) ([]*raft.Raft, []*countFSM) {
	t.Helper()
	var servers []raft.Server
	for i, n := range nodes {
		servers = append(servers, raft.Server{ID: raft.ServerID(fmt.Sprint(i)), Address: n.addr()})
	}
	var rafts []*raft.Raft
	var fsms []*countFSM
	for i, n := range nodes {
		conf := raft.DefaultConfig()
		conf.LocalID = raft.ServerID(fmt.Sprint(i))
		conf.LogLevel = "error"
		conf.HeartbeatTimeout, conf.ElectionTimeout, conf.LeaderLeaseTimeout = 200*time.Millisecond, 200*time.Millisecond, 100*time.Millisecond
		store := raft.NewInmemStore()
		fsm := &countFSM{}
		r, err := raft.NewRaft(conf, fsm, store, store, raft.NewInmemSnapshotStore(), n.transport(t, group))
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, r.Shutdown().Error()) })
		require.NoError(t, r.BootstrapCluster(raft.Configuration{Servers: servers}).Error())
		rafts, fsms = append(rafts, r), append(fsms, fsm)
	}
	return rafts, fsms
}

func waitLeader(t *testing.T, rafts []*raft.Raft) *raft.Raft {
	t.Helper()
	var leader *raft.Raft
	require.Eventually(t, func() bool {
		for _, r := range rafts {
			if r.State() == raft.Leader {
				leader = r
				return true
			}
		}
		return false
	}, 10*time.Second, 5*time.Millisecond, "a leader is elected")
	return leader
}

// TestConcurrentWritesOverOneNet applies writes from many goroutines to two
// groups at once, whose replication shares each node's connections, and
// checks that every write commits and every replica applies them all.
func TestConcurrentWritesOverOneNet(t *testing.T) {
	nodes := []*testNode{newTestNode(t, 5*time.Second), newTestNode(t, 5*time.Second), newTestNode(t, 5*time.Second)}
	const writers, writes = 32, 50
	var wg sync.WaitGroup
	errs := make(chan error, 2*writers*writes)
	var all [][]*countFSM
	for _, group := range []uint64{1, 2} {
		rafts, fsms := startGroup(t, nodes, group)
		all = append(all, fsms)
		leader := waitLeader(t, rafts)
		for w := range writers {
			wg.Go(func() {
				for i := range writes {
					errs <- leader.Apply(fmt.Appendf(nil, "w%d-%d", w, i), 5*time.Second).Error()
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	for _, fsms := range all {
		for _, f := range fsms {
			require.Eventually(t, func() bool { return f.count() == writers*writes }, 10*time.Second, 5*time.Millisecond)
		}
	}
}
