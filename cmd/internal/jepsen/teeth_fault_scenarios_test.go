package jepsen_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
	"github.com/treekv/kv/cmd/internal/jepsen"
)

// The teeth scenarios that need a fault of their own: a leader stopped
// before its followers learn that its last write committed, a majority
// stopping and restarting, and a leader cut off from its peers. Each runs
// on a cluster of one partition, so every key shares one Raft group whose
// members the scenario picks by role.

// steadyRaft returns Raft timings slow enough that no leader changes
// unless a scenario makes it: a leader keeps leading for a second without
// a quorum, and followers wait a second before they stand for election.
func steadyRaft() kv.RaftConfig {
	return kv.RaftConfig{HeartbeatTimeout: time.Second, ElectionTimeout: time.Second,
		LeaderLeaseTimeout: time.Second}
}

// lazyCommitRaft returns steadyRaft timings that also keep followers from
// learning the commit index while no new entry flows: the leader tells them
// only with its next append, which hashicorp/raft sends when idle for
// CommitTimeout (heartbeats carry no commit index).
func lazyCommitRaft() kv.RaftConfig {
	c := steadyRaft()
	c.CommitTimeout = time.Hour
	return c
}

// startGroup starts three nodes holding one partition, with raft timings
// and data directories, and closes them when the test ends. It returns the
// cluster and the partition's ID.
func startGroup(t *testing.T, raft kv.RaftConfig) (*kv.LocalCluster, uint64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	c, err := kv.StartCluster(ctx, kv.ClusterConfig{Partitions: 1, DataDir: t.TempDir(), Raft: raft,
		Limits: kv.Limits{MaxValueSize: backlogValue}})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, c.Close()) })
	return c, c.Map().Partitions[0].ID
}

// roles returns the leader of partition pid and its two followers.
func roles(t *testing.T, c *kv.LocalCluster, pid uint64) (leader, first, second int) {
	t.Helper()
	leader, err := waitLeader(c, pid)
	require.NoError(t, err)
	return leader, (leader + 1) % c.Size(), (leader + 2) % c.Size()
}

// The backlog of newLeaderScenario: backlogWrites writes of backlogValue
// bytes each, large enough that a follower takes a while to store them.
// failoverTimeout bounds the scenario's writes, election and read, which
// take seconds, or tens of seconds under the race detector.
const (
	backlogWrites   = 8
	backlogValue    = 4 << 20
	failoverTimeout = 90 * time.Second
)

// newLeaderScenario exposes a new leader that reads before its barrier. It
// cuts off one follower (the laggard), writes key=v0, a backlog of writes
// and key=v1 through the leader, and stops the leader at once: the other
// follower (the heir) holds v1 in its log but has not applied it, since no
// append told it v1 committed. It heals the laggard, which lets only the
// heir win the election (the laggard's log is shorter), and reads key from
// the heir until it answers. The heir commits an entry of its own term, and
// so applies v1, only once the laggard has stored the whole backlog, which
// takes a few hundred milliseconds, while a read that skips the barrier is
// answered within a few milliseconds of the election: it returns v0. It
// returns the history.
func newLeaderScenario(t *testing.T) []jepsen.Op {
	const key = "teeth/new-leader"
	c, pid := startGroup(t, lazyCommitRaft())
	leader, laggard, heir := roles(t, c, pid)
	ctx, cancel := context.WithTimeout(context.Background(), failoverTimeout)
	defer cancel()
	c.Isolate(laggard)
	defer c.Heal(laggard)
	writer := pinnedClient(t, c.Endpoints()[leader])
	h := jepsen.NewHistory()
	recordPut(ctx, t, h, writer, key, "v0")
	writeBacklog(ctx, t, writer)
	recordPut(ctx, t, h, writer, key, "v1")
	require.NoError(t, c.StopNode(leader))
	c.Heal(laggard)
	healed := time.Now()
	defer func() { t.Logf("the heir answered %s after the laggard was healed", time.Since(healed)) }()
	require.NoError(t, recordFirstRead(ctx, h, pinnedClient(t, c.Endpoints()[heir]), key))
	return h.Ops()
}

// writeBacklog writes the backlog through writer, under keys of its own.
func writeBacklog(ctx context.Context, t *testing.T, writer *kv.Client) {
	value := []byte(strings.Repeat("b", backlogValue))
	for i := range backlogWrites {
		_, err := writer.Put(ctx, fmt.Sprintf("teeth/backlog/%03d", i), value)
		require.NoError(t, err)
	}
}

// recordFirstRead reads key through client as client 1, every pollEvery,
// until a read is answered or ctx ends, and records the answered read.
// Reads that fail change nothing and are left out.
func recordFirstRead(ctx context.Context, h *jepsen.History, client *kv.Client, key string) error {
	ticker := time.NewTicker(pollEvery)
	defer ticker.Stop()
	for !recordRead(ctx, h, client, key) {
		select {
		case <-ctx.Done():
			return fmt.Errorf("no read of %s answered: %w", key, ctx.Err())
		case <-ticker.C:
		}
	}
	return nil
}

// recordRead reads key through client as client 1 and records the read if
// it was answered, found or not; it reports whether it was.
func recordRead(ctx context.Context, h *jepsen.History, client *kv.Client, key string) bool {
	op := jepsen.Op{Client: 1, Kind: jepsen.KindGet, Key: key}
	call := h.Now()
	v, err := client.Get(ctx, key)
	switch {
	case err == nil:
		op.Found, op.Output = true, string(v.Data)
	case !errors.Is(err, kv.ErrNotFound):
		return false
	}
	h.Complete(op, call)
	return true
}

// crashScenario exposes Raft state that does not survive a restart. It cuts
// off one follower (the laggard), inserts keys under prefix through the
// leader and the other follower until all are acknowledged, then stops
// both, restarts the follower alone and heals the laggard. Durable stores
// bring the follower back with every insert in its log, so it wins the
// election and catches the laggard up; stores that forgot everything leave
// the laggard, which never saw an insert, to lead. It returns CheckSet's
// report on the keys then present.
func crashScenario(t *testing.T, prefix string, inserts int) jepsen.SetReport {
	c, pid := startGroup(t, steadyRaft())
	leader, follower, laggard := roles(t, c, pid)
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	c.Isolate(laggard)
	defer c.Heal(laggard)
	endpoints := c.Endpoints()
	h := jepsen.NewHistory()
	_, err := jepsen.RunInserts(ctx, h, jepsen.InsertConfig{Endpoints: []string{endpoints[leader], endpoints[follower]},
		Inserts: inserts, Prefix: prefix, MinAcked: inserts})
	require.NoError(t, err)
	require.NoError(t, c.StopNode(leader))
	require.NoError(t, c.StopNode(follower))
	require.NoError(t, c.RestartNode(follower))
	c.Heal(laggard)
	require.NoError(t, c.WaitReady(ctx))
	return readInserted(ctx, t, h, prefix, endpoints[follower], endpoints[laggard])
}

// cutOffLeaderScenario exposes writes acknowledged before they commit. It
// cuts the leader off from its peers and sends it inserts under prefix, one
// attempt each, while it still believes it leads; a leader that cannot reach
// a quorum can commit none of them. Once the others have elected a leader it
// heals the old one, whose log the new term overwrites, and returns
// CheckSet's report on the keys then present.
func cutOffLeaderScenario(t *testing.T, prefix string, inserts int) jepsen.SetReport {
	c, pid := startGroup(t, steadyRaft())
	leader, first, second := roles(t, c, pid)
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	c.Isolate(leader)
	defer c.Heal(leader)
	client := pinnedClient(t, c.Endpoints()[leader])
	h := jepsen.NewHistory()
	for i := range inserts {
		insertOnce(ctx, h, client, fmt.Sprintf("%s/%05d", prefix, i))
	}
	require.NoError(t, poll("a leader among the others", func() bool {
		i, ok := c.Leader(pid)
		return ok && (i == first || i == second)
	}))
	c.Heal(leader)
	require.NoError(t, c.WaitReady(ctx))
	return readInserted(ctx, t, h, prefix, c.Endpoints()...)
}

// insertTimeout bounds one insert of cutOffLeaderScenario: longer than a
// cut-off leader of steadyRaft takes to step down.
const insertTimeout = 5 * time.Second

// insertOnce puts key (value = key) through client and records it: as
// acknowledged when it succeeded, else as of unknown outcome, which claims
// nothing the checker could hold against the system.
func insertOnce(ctx context.Context, h *jepsen.History, client *kv.Client, key string) {
	ctx, cancel := context.WithTimeout(ctx, insertTimeout)
	defer cancel()
	op := jepsen.Op{Kind: jepsen.KindPut, Key: key, Value: key}
	call := h.Now()
	if _, err := client.Put(ctx, key, []byte(key)); err != nil {
		h.Indeterminate(op, call, err)
		return
	}
	h.Complete(op, call)
}

// readInserted reads the keys under prefix through endpoints and returns
// CheckSet's report on them against the inserts h recorded.
func readInserted(ctx context.Context, t *testing.T, h *jepsen.History, prefix string, endpoints ...string) jepsen.SetReport {
	client, err := kv.NewClient(kv.ClientConfig{Endpoints: endpoints})
	require.NoError(t, err)
	defer client.Close()
	final, err := jepsen.ReadSet(ctx, client, prefix+"/")
	require.NoError(t, err)
	acked, unknown := jepsen.Inserted(h.Ops())
	return jepsen.CheckSet(acked, unknown, final)
}
