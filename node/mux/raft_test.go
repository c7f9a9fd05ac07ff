package mux

import (
	"encoding/binary"
	"fmt"
	"io"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/raft"
	"github.com/stretchr/testify/require"
)

// countFSM counts the entries applied to it.
type countFSM struct{ n atomic.Uint64 }

func (f *countFSM) Apply(*raft.Log) any { return f.n.Add(1) }

func (f *countFSM) Snapshot() (raft.FSMSnapshot, error) { return countSnapshot(f.n.Load()), nil }

func (f *countFSM) Restore(rc io.ReadCloser) error {
	defer rc.Close()
	var b [8]byte
	if _, err := io.ReadFull(rc, b[:]); err != nil {
		return err
	}
	f.n.Store(binary.BigEndian.Uint64(b[:]))
	return nil
}

type countSnapshot uint64

func (s countSnapshot) Persist(sink raft.SnapshotSink) error {
	if _, err := sink.Write(binary.BigEndian.AppendUint64(nil, uint64(s))); err != nil {
		sink.Cancel()
		return err
	}
	return sink.Close()
}

func (countSnapshot) Release() {}

// replica is one member of a Raft group running over a Layer.
type replica struct {
	mux  *Mux
	raft *raft.Raft
	fsm  *countFSM
}

// startGroup runs one Raft replica of group on each mux, bootstraps the
// group and shuts every replica down when the test ends.
func startGroup(t *testing.T, muxes []*Mux, group uint64) []*replica {
	t.Helper()
	var servers []raft.Server
	for i, m := range muxes {
		id := raft.ServerID(fmt.Sprintf("g%d-n%d", group, i))
		servers = append(servers, raft.Server{ID: id, Address: raft.ServerAddress(m.Addr().String())})
	}
	replicas := make([]*replica, len(muxes))
	for i, m := range muxes {
		replicas[i] = startReplica(t, m, group, servers[i].ID)
	}
	require.NoError(t, replicas[0].raft.BootstrapCluster(raft.Configuration{Servers: servers}).Error())
	return replicas
}

func startReplica(t *testing.T, m *Mux, group uint64, id raft.ServerID) *replica {
	t.Helper()
	trans := raft.NewNetworkTransport(register(t, m, group), 3, 2*time.Second, io.Discard)
	cfg := raft.DefaultConfig()
	cfg.LocalID = id
	cfg.HeartbeatTimeout = 200 * time.Millisecond
	cfg.ElectionTimeout = 200 * time.Millisecond
	cfg.LeaderLeaseTimeout = 100 * time.Millisecond
	cfg.Logger = hclog.NewNullLogger()
	fsm := &countFSM{}
	store := raft.NewInmemStore()
	r, err := raft.NewRaft(cfg, fsm, store, store, raft.NewInmemSnapshotStore(), trans)
	require.NoError(t, err)
	t.Cleanup(func() {
		require.NoError(t, r.Shutdown().Error())
		require.NoError(t, trans.Close())
	})
	return &replica{mux: m, raft: r, fsm: fsm}
}

// waitLeader waits until one of replicas is the leader and returns it.
func waitLeader(t *testing.T, replicas []*replica) *replica {
	t.Helper()
	var leader *replica
	require.Eventually(t, func() bool {
		for _, r := range replicas {
			if r.raft.State() == raft.Leader {
				leader = r
				return true
			}
		}
		return false
	}, 10*time.Second, 10*time.Millisecond, "no leader elected")
	return leader
}

func apply(t *testing.T, leader *replica, n int) {
	t.Helper()
	for range n {
		require.NoError(t, leader.raft.Apply([]byte("inc"), 5*time.Second).Error())
	}
}

func waitCount(t *testing.T, replicas []*replica, want uint64) {
	t.Helper()
	require.Eventually(t, func() bool {
		for _, r := range replicas {
			if r.fsm.n.Load() != want {
				return false
			}
		}
		return true
	}, 10*time.Second, 10*time.Millisecond, "not every replica applied %d entries", want)
}

func without(replicas []*replica, skip *replica) []*replica {
	var out []*replica
	for _, r := range replicas {
		if r != skip {
			out = append(out, r)
		}
	}
	return out
}

// TestRaftOverMux runs two independent three-node Raft groups over the same
// three muxes, then isolates one node and checks that group 7 elects a new
// leader among the other two and catches the isolated node up once healed.
func TestRaftOverMux(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Raft elections over real TCP")
	}
	muxes := []*Mux{newMux(t), newMux(t), newMux(t)}
	g7, g8 := startGroup(t, muxes, 7), startGroup(t, muxes, 8)

	leader7 := waitLeader(t, g7)
	apply(t, leader7, 1)
	apply(t, waitLeader(t, g8), 3)
	waitCount(t, g7, 1)
	waitCount(t, g8, 3)

	leader7.mux.SetIsolated(true)
	rest := without(g7, leader7)
	newLeader := waitLeader(t, rest)
	apply(t, newLeader, 1)
	waitCount(t, rest, 2)

	leader7.mux.SetIsolated(false)
	waitCount(t, g7, 2)
	waitCount(t, g8, 3)
}
