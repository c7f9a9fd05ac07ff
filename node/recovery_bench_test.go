package node

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/hashicorp/raft"
	"github.com/stretchr/testify/require"
	"golang.org/x/sync/errgroup"
)

// Shape of the recovery benchmarks: the million keys of 16 bytes
// with 100-byte values, held in a snapshot, followed in the log by a tail of
// single puts that a restart replays.
const (
	recoveryBatch    = 1000 // puts per proposal while loading
	recoveryTail     = 2000 // single puts logged after the snapshot
	recoveryWait     = 2 * time.Minute
	recoveryInFlight = 16 // concurrent proposals while loading
)

// recoveryRaftConfig returns timings that let a single-voter group elect
// itself within 50-100ms of a restart, takes snapshots only on request, and
// keeps few log entries behind a snapshot, so that a new replica must catch
// up by installing it.
func recoveryRaftConfig() RaftConfig {
	return RaftConfig{
		HeartbeatTimeout:   50 * time.Millisecond,
		ElectionTimeout:    50 * time.Millisecond,
		LeaderLeaseTimeout: 25 * time.Millisecond,
		CommitTimeout:      5 * time.Millisecond,
		SnapshotInterval:   time.Hour,
		SnapshotThreshold:  1 << 40,
		TrailingLogs:       64,
	}
}

// openDurableReplica opens the replica id with durable stores in dir, on an
// in-memory transport whose address is id.
func openDurableReplica(b *testing.B, id, dir string) *Replica {
	b.Helper()
	_, trans := raft.NewInmemTransportWithTimeout(raft.ServerAddress(id), 10*time.Second)
	r, err := NewReplica(ReplicaConfig{Partition: 1, NodeID: id, Dir: dir, Transport: trans, Raft: recoveryRaftConfig()})
	require.NoError(b, err)
	return r
}

// loadRecoveryDir builds, in a fresh directory, the durable state of a
// single-voter group (node n1) holding memoryKeys keys in its latest
// snapshot and recoveryTail puts logged after it. It returns the directory
// and the index of the last put.
func loadRecoveryDir(b *testing.B) (string, uint64) {
	b.Helper()
	dir := b.TempDir()
	r := openDurableReplica(b, "n1", dir)
	defer func() { require.NoError(b, r.Close()) }()
	require.NoError(b, r.Bootstrap([]raft.Server{{ID: "n1", Address: "n1", Suffrage: raft.Voter}}))
	require.Eventually(b, r.IsLeader, recoveryWait, time.Millisecond)
	proposeAll(b, r, loadCommands())
	require.NoError(b, r.Snapshot())
	return dir, proposeAll(b, r, tailCommands())
}

// loadCommands returns commands putting memoryKeys keys, in random order,
// recoveryBatch puts to a command.
func loadCommands() []*Command {
	value := make([]byte, memoryValueSize)
	var cmds []*Command
	for i, k := range rand.New(rand.NewPCG(1, 2)).Perm(memoryKeys) {
		if i%recoveryBatch == 0 {
			cmds = append(cmds, &Command{})
		}
		c := cmds[len(cmds)-1]
		c.Success = append(c.Success, Op{Kind: OpPut, Key: fmt.Sprintf("key/%012d", k), Value: value})
	}
	return cmds
}

// tailCommands returns recoveryTail single puts overwriting loaded keys.
func tailCommands() []*Command {
	cmds := make([]*Command, recoveryTail)
	for i := range cmds {
		cmds[i] = putCmd(fmt.Sprintf("key/%012d", i*499%memoryKeys), "tail "+strconv.Itoa(i))
	}
	return cmds
}

// proposeAll proposes cmds through leader r, a few at a time, and returns
// the highest revision they were applied at.
func proposeAll(b *testing.B, r *Replica, cmds []*Command) uint64 {
	b.Helper()
	revs := make([]uint64, len(cmds))
	g, ctx := errgroup.WithContext(b.Context())
	g.SetLimit(recoveryInFlight)
	for i, c := range cmds {
		g.Go(func() error {
			res, err := r.Propose(ctx, c)
			revs[i] = res.Revision
			return err
		})
	}
	require.NoError(b, g.Wait())
	return slices.Max(revs)
}

// BenchmarkReplicaRestart measures a restart of a replica whose snapshot
// holds a million keys: from opening its stores to having applied the log
// entries that follow the snapshot (ms/restart), which includes the
// single-voter election. open-ms is the part spent in NewReplica: opening
// the stores and restoring the snapshot.
func BenchmarkReplicaRestart(b *testing.B) {
	dir, last := loadRecoveryDir(b)
	var open, total time.Duration
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		r := openDurableReplica(b, "n1", dir)
		open += time.Since(start)
		waitApplied(b, r, last)
		total += time.Since(start)
		require.Equal(b, memoryKeys, r.FSM().Len())
		require.NoError(b, r.Close())
	}
	reportMillis(b, total, "ms/restart")
	reportMillis(b, open, "open-ms/restart")
}

// BenchmarkReplicaSnapshotCatchUp measures how long a new replica takes to
// catch up with a leader whose snapshot holds a million keys: from the
// leader adding it as a learner to its applied index reaching the leader's,
// through a snapshot install and the replay of the log that follows.
func BenchmarkReplicaSnapshotCatchUp(b *testing.B) {
	dir, last := loadRecoveryDir(b)
	leader := openDurableReplica(b, "n1", dir)
	defer func() { require.NoError(b, leader.Close()) }()
	waitApplied(b, leader, last)
	require.Eventually(b, leader.IsLeader, recoveryWait, time.Millisecond)
	var total time.Duration
	b.ReportAllocs()
	for n := 0; b.Loop(); n++ {
		total += catchUp(b, leader, "learner"+strconv.Itoa(n))
	}
	reportMillis(b, total, "ms/catch-up")
}

// catchUp adds a new learner id to leader's group, waits until it has
// applied everything the leader had, then removes and deletes it. It
// returns the time from adding to caught up.
func catchUp(b *testing.B, leader *Replica, id string) time.Duration {
	dir, err := os.MkdirTemp(b.TempDir(), id)
	require.NoError(b, err)
	defer func() { require.NoError(b, os.RemoveAll(dir)) }()
	learner := openDurableReplica(b, id, dir)
	lt, st := learner.transport.(*raft.InmemTransport), leader.transport.(*raft.InmemTransport)
	lt.Connect(st.LocalAddr(), st)
	st.Connect(lt.LocalAddr(), lt)
	start := time.Now()
	require.NoError(b, leader.AddLearner(b.Context(), id, id))
	waitApplied(b, learner, leader.FSM().AppliedIndex())
	elapsed := time.Since(start)
	require.NotEqual(b, "0", learner.Raft().Stats()["last_snapshot_index"], "caught up by snapshot")
	require.Equal(b, memoryKeys, learner.FSM().Len())
	require.NoError(b, leader.RemoveMember(b.Context(), id))
	require.NoError(b, learner.Close())
	st.Disconnect(lt.LocalAddr())
	return elapsed
}

func waitApplied(b *testing.B, r *Replica, index uint64) {
	b.Helper()
	ctx, cancel := context.WithTimeout(b.Context(), recoveryWait)
	defer cancel()
	require.NoError(b, r.FSM().WaitApplied(ctx, index))
}

// reportMillis reports total spread over the benchmark's iterations, in
// milliseconds, as the metric unit.
func reportMillis(b *testing.B, total time.Duration, unit string) {
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), unit)
}
