package raftlog

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/raft"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRaftGroupsShareOneLogPerNode runs two Raft groups of three replicas
// on three nodes, each node keeping both its replicas in one shared log:
// the groups commit, snapshot and compact their logs, then every node
// restarts from its log and snapshots and the groups carry on.
func TestRaftGroupsShareOneLogPerNode(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dirs := []string{t.TempDir(), t.TempDir(), t.TempDir()}
		c := startRaftCluster(t, dirs, true)
		c.applyAll(t, 0, 60)
		c.snapshotAll(t)
		c.applyAll(t, 60, 90)
		c.waitApplied(t, 90)
		c.close(t)

		c = startRaftCluster(t, dirs, false)
		c.waitApplied(t, 90)
		c.applyAll(t, 90, 100)
		c.waitApplied(t, 100)
	})
}

const raftGroups = 2

type raftCluster struct {
	closed bool
	logs   []*Log
	rafts  [][]*raft.Raft // [node][group]
	fsms   [][]*listFSM
	trans  [][]*raft.InmemTransport
}

// startRaftCluster starts a replica of every group on every node; the
// test's cleanup closes them all, inside the bubble.
func startRaftCluster(t *testing.T, dirs []string, bootstrap bool) *raftCluster {
	c := &raftCluster{}
	t.Cleanup(func() { c.close(t) })
	for n, dir := range dirs {
		l, err := Open(filepath.Join(dir, "log"), Options{SegmentSize: 16 << 10})
		require.NoError(t, err)
		c.logs = append(c.logs, l)
		c.rafts, c.fsms, c.trans = append(c.rafts, nil), append(c.fsms, nil), append(c.trans, nil)
		for g := range raftGroups {
			_, tr := raft.NewInmemTransport(raft.ServerAddress(fmt.Sprintf("n%d-g%d", n, g)))
			c.trans[n] = append(c.trans[n], tr)
		}
	}
	c.connect()
	for n, dir := range dirs {
		for g := range raftGroups {
			c.startReplica(t, n, g, dir, bootstrap)
		}
	}
	return c
}

func (c *raftCluster) connect() {
	for g := range raftGroups {
		for a := range c.trans {
			for b := range c.trans {
				c.trans[a][g].Connect(c.trans[b][g].LocalAddr(), c.trans[b][g])
			}
		}
	}
}

func (c *raftCluster) startReplica(t *testing.T, n, g int, dir string, bootstrap bool) {
	conf := raft.DefaultConfig()
	conf.LocalID = raft.ServerID(fmt.Sprintf("n%d", n))
	conf.HeartbeatTimeout, conf.ElectionTimeout = 100*time.Millisecond, 100*time.Millisecond
	conf.LeaderLeaseTimeout, conf.CommitTimeout = 50*time.Millisecond, 5*time.Millisecond
	conf.SnapshotInterval, conf.TrailingLogs = time.Hour, 10
	conf.Logger = hclog.NewNullLogger()
	store := mustGroup(t, c.logs[n], uint64(g+1))
	snaps, err := raft.NewFileSnapshotStoreWithLogger(filepath.Join(dir, fmt.Sprint("snaps", g)), 2, conf.Logger)
	require.NoError(t, err)
	fsm := &listFSM{}
	r, err := raft.NewRaft(conf, fsm, store, store, snaps, c.trans[n][g])
	require.NoError(t, err)
	c.rafts[n], c.fsms[n] = append(c.rafts[n], r), append(c.fsms[n], fsm)
	if bootstrap && n == 0 {
		require.NoError(t, r.BootstrapCluster(c.configuration(g)).Error())
	}
}

func (c *raftCluster) configuration(g int) raft.Configuration {
	var conf raft.Configuration
	for n := range c.trans {
		conf.Servers = append(conf.Servers, raft.Server{ID: raft.ServerID(fmt.Sprintf("n%d", n)), Address: c.trans[n][g].LocalAddr()})
	}
	return conf
}

func (c *raftCluster) leader(t *testing.T, g int) *raft.Raft {
	var leader *raft.Raft
	require.Eventually(t, func() bool {
		for n := range c.rafts {
			if c.rafts[n][g].State() == raft.Leader {
				leader = c.rafts[n][g]
				return true
			}
		}
		return false
	}, time.Minute, 10*time.Millisecond)
	return leader
}

// applyAll commits commands [from, to) in every group.
func (c *raftCluster) applyAll(t *testing.T, from, to int) {
	for g := range raftGroups {
		leader := c.leader(t, g)
		var futures []raft.ApplyFuture
		for i := from; i < to; i++ {
			futures = append(futures, leader.Apply(fmt.Appendf(nil, "g%d-%d", g, i), time.Minute))
		}
		for _, f := range futures {
			require.NoError(t, f.Error())
		}
	}
}

// snapshotAll snapshots every replica, which deletes the head of its log
// (a replica that lagged may instead have had its log replaced by the
// leader's snapshot).
func (c *raftCluster) snapshotAll(t *testing.T) {
	for n := range c.rafts {
		for g, r := range c.rafts[n] {
			c.waitReplicaApplied(t, n, g, 60)
			require.NoError(t, r.Snapshot().Error())
			first, err := mustGroup(t, c.logs[n], uint64(g+1)).FirstIndex()
			require.NoError(t, err)
			require.NotEqual(t, uint64(1), first, "the snapshot compacted the log")
		}
	}
}

// waitApplied waits until every replica of every group applied commands
// 0..count-1, in order.
func (c *raftCluster) waitApplied(t *testing.T, count int) {
	for n := range c.fsms {
		for g := range c.fsms[n] {
			c.waitReplicaApplied(t, n, g, count)
			want := make([]string, count)
			for i := range want {
				want[i] = fmt.Sprintf("g%d-%d", g, i)
			}
			require.Equal(t, want, c.fsms[n][g].list())
		}
	}
}

func (c *raftCluster) waitReplicaApplied(t *testing.T, n, g, count int) {
	require.Eventually(t, func() bool { return len(c.fsms[n][g].list()) >= count }, time.Minute, 10*time.Millisecond)
}

func (c *raftCluster) close(t *testing.T) {
	if c.closed {
		return
	}
	c.closed = true
	for n := range c.rafts {
		for g, r := range c.rafts[n] {
			assert.NoError(t, r.Shutdown().Error())
			assert.NoError(t, c.trans[n][g].Close())
		}
		assert.NoError(t, c.logs[n].Close())
	}
}

// listFSM applies commands by appending them to a list.
type listFSM struct {
	mu    sync.Mutex
	items []string
}

func (f *listFSM) Apply(l *raft.Log) any {
	if l.Type == raft.LogCommand {
		f.mu.Lock()
		f.items = append(f.items, string(l.Data))
		f.mu.Unlock()
	}
	return nil
}

func (f *listFSM) list() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.items...)
}

func (f *listFSM) Snapshot() (raft.FSMSnapshot, error) { return listSnapshot(f.list()), nil }

func (f *listFSM) Restore(r io.ReadCloser) error {
	defer r.Close()
	var items []string
	if err := json.NewDecoder(r).Decode(&items); err != nil {
		return err
	}
	f.mu.Lock()
	f.items = items
	f.mu.Unlock()
	return nil
}

type listSnapshot []string

func (s listSnapshot) Persist(sink raft.SnapshotSink) error {
	if err := json.NewEncoder(sink).Encode([]string(s)); err != nil {
		return errAndCancel(sink, err)
	}
	return sink.Close()
}

func (s listSnapshot) Release() {}

func errAndCancel(sink raft.SnapshotSink, err error) error {
	_ = sink.Cancel()
	return err
}
