package node

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/hashicorp/raft"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/node/raftlog"
)

// soloReplica starts a one-voter group of partition pid in dir, its log in
// shared (nil: a BoltDB file of its own), and waits until it leads.
func soloReplica(t *testing.T, dir string, shared *raftlog.Log, pid uint64) *Replica {
	t.Helper()
	_, trans := raft.NewInmemTransport(raft.ServerAddress(fmt.Sprintf("solo-%d", pid)))
	r, err := NewReplica(ReplicaConfig{Partition: pid, NodeID: "n1", Dir: dir, SharedLog: shared,
		Transport: trans, Raft: soloRaftConfig()})
	require.NoError(t, err)
	require.NoError(t, r.Bootstrap([]raft.Server{{Suffrage: raft.Voter, ID: "n1", Address: trans.LocalAddr()}}))
	require.Eventually(t, r.IsLeader, 10*time.Second, 5*time.Millisecond)
	return r
}

// soloRaftConfig elects a lone voter within a few milliseconds.
func soloRaftConfig() RaftConfig {
	return RaftConfig{HeartbeatTimeout: 50 * time.Millisecond, ElectionTimeout: 50 * time.Millisecond,
		LeaderLeaseTimeout: 50 * time.Millisecond, CommitTimeout: 5 * time.Millisecond}
}

func proposePut(t *testing.T, r *Replica, key, value string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := r.Propose(ctx, putCmd(key, value))
	require.NoError(t, err)
}

// requireValue waits until r has applied value under key.
func requireValue(t *testing.T, r *Replica, key, value string) {
	t.Helper()
	require.Eventually(t, func() bool {
		e, ok := r.FSM().Get(key)
		return ok && string(e.Value) == value
	}, 10*time.Second, 5*time.Millisecond, "%s=%s", key, value)
}

func TestSharedLogKeepsEveryReplicaAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	shared, err := openSharedLog(dir)
	require.NoError(t, err)
	for pid := uint64(1); pid <= 2; pid++ {
		r := soloReplica(t, filepath.Join(dir, fmt.Sprint(pid)), shared, pid)
		proposePut(t, r, "k", fmt.Sprint("v", pid))
		require.NoError(t, r.Close())
	}
	require.NoError(t, shared.Close())

	shared, err = openSharedLog(dir)
	require.NoError(t, err)
	defer shared.Close()
	groups, err := shared.Groups()
	require.NoError(t, err)
	require.ElementsMatch(t, []uint64{1, 2}, groups, "both groups' logs are in the shared log")
	for pid := uint64(1); pid <= 2; pid++ {
		rdir := filepath.Join(dir, fmt.Sprint(pid))
		r := soloReplica(t, rdir, shared, pid)
		requireValue(t, r, "k", fmt.Sprint("v", pid))
		require.NoError(t, r.Close())
		require.NoFileExists(t, filepath.Join(rdir, boltFile))
	}
}

func TestReplicaWithBoltFileKeepsIt(t *testing.T) {
	dir := t.TempDir()
	rdir := filepath.Join(dir, "1")
	r := soloReplica(t, rdir, nil, 1)
	proposePut(t, r, "k", "bolt")
	require.NoError(t, r.Close())

	shared, err := openSharedLog(dir)
	require.NoError(t, err)
	defer shared.Close()
	r = soloReplica(t, rdir, shared, 1)
	requireValue(t, r, "k", "bolt")
	proposePut(t, r, "k2", "still bolt")
	require.NoError(t, r.Close())
	groups, err := shared.Groups()
	require.NoError(t, err)
	require.Empty(t, groups, "the replica stayed on its BoltDB file")
}

func TestDropSharedGroupForgetsTheReplica(t *testing.T) {
	dir := t.TempDir()
	shared, err := openSharedLog(dir)
	require.NoError(t, err)
	defer shared.Close()
	r := soloReplica(t, filepath.Join(dir, "1"), shared, 1)
	proposePut(t, r, "k", "v")
	require.NoError(t, r.Close())
	require.NoError(t, dropSharedGroup(shared, 1))
	groups, err := shared.Groups()
	require.NoError(t, err)
	require.Empty(t, groups)
	require.NoError(t, dropSharedGroup(nil, 1), "a node without a shared log has nothing to drop")
}

func TestConfigRefusesUnknownRaftLog(t *testing.T) {
	for _, kind := range []string{"", RaftLogShared, RaftLogBoltDB} {
		require.NoError(t, Config{ID: "n1", RaftLog: kind}.Validate(), kind)
	}
	require.ErrorContains(t, Config{ID: "n1", RaftLog: "wal"}.Validate(), `RaftLog "wal"`)
}
