package jepsen_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/raft"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
	"github.com/treekv/kv/cmd/internal/jepsen"
)

// inFlightGrace is how long after a cut the cut-off leader may still serve
// a read: hashicorp/raft confirms leadership with replies to heartbeats
// already in flight, which a cut that closes the connections may not stop
// from arriving. It is one heartbeat round trip with room to spare, far
// below the seconds a cut lasts.
const inFlightGrace = 100 * time.Millisecond

// A leader cut off from its peers while clients, one of them pinned to it,
// keep talking to it: the history stays linearizable, no operation called
// after the cut (past inFlightGrace) and answered before the heal was
// served by the cut-off node, and the pinned client got only errors
// meanwhile.
func TestJepsenLeaderCutOff(t *testing.T) {
	eachSeed(t, testLeaderCutOff)
}

func testLeaderCutOff(t *testing.T, seed uint64) {
	c := startCluster(t)
	p, err := c.Map().Locate("jepsen/1/0")
	require.NoError(t, err)
	victim, err := waitLeader(c, p.ID)
	require.NoError(t, err)
	victimID := c.Node(victim).ID()
	cfg := jepsen.WorkloadConfig{Endpoints: c.Endpoints(), Clients: 4, Pinned: []string{c.Endpoints()[victim]},
		Ops: 800, RotateEvery: 100, Seed: seed, MinKnown: 400, OpTimeout: time.Second}
	pinned := cfg.Clients
	var cutAt, healAt int64
	h := jepsen.NewHistory()
	runRegisterWith(t, cfg, h, func(h *jepsen.History) error {
		if err := poll("150 operations", func() bool { return h.Len() >= 150 }); err != nil {
			return err
		}
		c.Isolate(victim)
		cutAt = h.Now()
		t.Logf("cut off n%d, leader of partition %d, after %d operations", victim+1, p.ID, h.Len())
		err := poll("the pinned client to fail while cut off", func() bool {
			_, failed := window(h, pinned, cutAt+inFlightGrace.Nanoseconds(), h.Now())
			return len(failed) >= 1 && h.Len() >= 300
		})
		healAt = h.Now()
		c.Heal(victim)
		t.Logf("healed n%d after %d operations", victim+1, h.Len())
		return err
	})
	var served []jepsen.Op
	for _, op := range append(h.Ops(), h.Failed()...) {
		if succeeded(op) && op.Node == victimID && op.Call >= cutAt+inFlightGrace.Nanoseconds() && op.Return <= healAt {
			served = append(served, op)
		}
	}
	require.Empty(t, served, "operations served by the cut-off node %s", victimID)
	answered, failed := window(h, pinned, cutAt+inFlightGrace.Nanoseconds(), healAt)
	t.Logf("the pinned client failed %d operations while cut off", len(failed))
	require.NotEmpty(t, failed)
	require.Empty(t, answered, "the pinned client succeeded while cut off")
}

func succeeded(op jepsen.Op) bool { return !op.Unknown && op.Err == "" }

// window returns client's operations called from from on that succeeded
// by to, and those that failed or ended unknown.
func window(h *jepsen.History, client int, from, to int64) (ok, failed []jepsen.Op) {
	for _, op := range append(h.Ops(), h.Failed()...) {
		switch {
		case op.Client != client || op.Call < from || op.Call > to:
		case !succeeded(op):
			failed = append(failed, op)
		case op.Return <= to:
			ok = append(ok, op)
		}
	}
	return ok, failed
}

// The leader of one partition is stopped and restarted three times over
// while the workload runs.
func TestJepsenLeaderKilledRepeatedly(t *testing.T) {
	eachSeed(t, func(t *testing.T, seed uint64) {
		c := startCluster(t)
		runRegister(t, c, seed, func(h *jepsen.History) error {
			for _, w := range [][2]int{{100, 160}, {220, 280}, {340, 400}} {
				if err := killLeader(t, c, h, "jepsen/1/0", w[0], w[1]); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

// Every node stops, then every node restarts from its data directory, and
// the workload carries on across it.
func TestJepsenCrashAll(t *testing.T) {
	eachSeed(t, testCrashAll)
}

func testCrashAll(t *testing.T, seed uint64) {
	c := startCluster(t)
	var restartedAt int64
	h := jepsen.NewHistory()
	cfg := jepsen.WorkloadConfig{Endpoints: c.Endpoints(), Clients: 5, Ops: 600, RotateEvery: 100,
		Seed: seed, MinKnown: 350}
	runRegisterWith(t, cfg, h, func(h *jepsen.History) error {
		if err := poll("150 operations", func() bool { return h.Len() >= 150 }); err != nil {
			return err
		}
		for i := range c.Size() {
			if err := c.StopNode(i); err != nil {
				return err
			}
		}
		t.Logf("stopped every node after %d operations", h.Len())
		for i := range c.Size() {
			if err := c.RestartNode(i); err != nil {
				return err
			}
		}
		restartedAt = h.Now()
		return nil
	})
	after := 0
	for _, op := range h.Ops() {
		if !op.Unknown && op.Call >= restartedAt {
			after++
		}
	}
	t.Logf("%d operations succeeded after the restart", after)
	require.GreaterOrEqual(t, after, 100, "too few operations after the restart to prove recovery")
}

// A follower misses so many writes that the leaders' logs no longer hold
// them; restarted, it catches up by installing a snapshot, and every
// replica then holds the same entries.
func TestJepsenSnapshotCatchUp(t *testing.T) {
	eachSeed(t, testSnapshotCatchUp)
}

func testSnapshotCatchUp(t *testing.T, seed uint64) {
	c := startSnapshotCluster(t)
	follower := quietNode(c)
	require.NoError(t, c.StopNode(follower))
	t.Logf("stopped n%d", follower+1)
	cfg := jepsen.WorkloadConfig{Endpoints: c.Endpoints(), Clients: 5, Ops: 600, RotateEvery: 100,
		Seed: seed, MinKnown: 400}
	runRegisterWith(t, cfg, jepsen.NewHistory(), func(h *jepsen.History) error {
		if err := poll("300 operations", func() bool { return h.Len() >= 300 }); err != nil {
			return err
		}
		if err := snapshotLeaders(c); err != nil {
			return err
		}
		t.Logf("leaders snapshotted; restarting n%d after %d operations", follower+1, h.Len())
		return c.RestartNode(follower)
	})
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	for _, p := range c.Map().Partitions {
		require.NoError(t, jepsen.CheckConverged(ctx, c, p.ID))
		rep, ok := c.Node(follower).Replica(p.ID)
		require.True(t, ok)
		require.NotEqual(t, "0", rep.Raft().Stats()["last_snapshot_index"],
			"n%d caught up on partition %d without installing a snapshot", follower+1, p.ID)
		t.Logf("partition %d: %d entries, digest %s", p.ID, rep.FSM().Len(), jepsen.ReplicaDigest(rep)[:12])
	}
}

// startSnapshotCluster starts three nodes with two partitions whose logs
// keep only a few entries behind a snapshot.
func startSnapshotCluster(t *testing.T) *kv.LocalCluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	raft := kv.LoopbackRaftConfig()
	raft.SnapshotThreshold, raft.TrailingLogs = 16, 8
	c, err := kv.StartCluster(ctx, kv.ClusterConfig{DataDir: t.TempDir(), Partitions: 2, Raft: raft})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, c.Close()) })
	return c
}

// quietNode returns a node that leads no partition, or the last node.
func quietNode(c *kv.LocalCluster) int {
	leads := map[int]bool{}
	for _, p := range c.Map().Partitions {
		if i, ok := c.Leader(p.ID); ok {
			leads[i] = true
		}
	}
	for i := range c.Size() {
		if !leads[i] {
			return i
		}
	}
	return c.Size() - 1
}

// snapshotLeaders makes every partition's leader take a snapshot now.
func snapshotLeaders(c *kv.LocalCluster) error {
	for _, p := range c.Map().Partitions {
		i, ok := c.Leader(p.ID)
		if !ok {
			return fmt.Errorf("partition %d has no leader", p.ID)
		}
		rep, ok := c.Node(i).Replica(p.ID)
		if !ok {
			return fmt.Errorf("n%d has no replica of partition %d", i+1, p.ID)
		}
		if err := rep.Snapshot(); err != nil && !errors.Is(err, raft.ErrNothingNewToSnapshot) {
			return fmt.Errorf("snapshot partition %d on n%d: %w", p.ID, i+1, err)
		}
	}
	return nil
}
