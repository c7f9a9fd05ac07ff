package jepsen_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
	"github.com/treekv/kv/cmd/internal/jepsen"
)

// Bounds of the scenarios on an in-process cluster.
const (
	startTimeout = 60 * time.Second
	runTimeout   = 30 * time.Second
	checkTimeout = 30 * time.Second
	waitTimeout  = 20 * time.Second
	pollEvery    = 10 * time.Millisecond
)

// startCluster starts three nodes with fast Raft timings and data
// directories, so nodes can restart, and closes them when the test ends.
func startCluster(t *testing.T) *kv.LocalCluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	c, err := kv.StartCluster(ctx, kv.ClusterConfig{DataDir: t.TempDir(), Raft: kv.LoopbackRaftConfig()})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, c.Close()) })
	return c
}

// poll waits until cond holds, or fails after waitTimeout. It does not
// touch t, so it may run on a goroutine of its own.
func poll(what string, cond func() bool) error {
	deadline := time.Now().Add(waitTimeout)
	ticker := time.NewTicker(pollEvery)
	defer ticker.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			return fmt.Errorf("waited %s for %s", waitTimeout, what)
		}
		<-ticker.C
	}
	return nil
}

// waitLeader returns the node that leads partition pid, waiting out an
// election in progress.
func waitLeader(c *kv.LocalCluster, pid uint64) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	i, err := c.WaitLeader(ctx, pid)
	if err != nil {
		return 0, fmt.Errorf("partition %d has no leader: %w", pid, err)
	}
	return i, nil
}

// killLeader stops the leader of key's partition once h holds from
// operations, and restarts it once h holds to operations and the partition
// has elected another leader. It returns once the node runs again, and
// runs on a goroutine of its own, so it reports failures as an error.
func killLeader(t *testing.T, c *kv.LocalCluster, h *jepsen.History, key string, from, to int) error {
	p, err := c.Map().Locate(key)
	if err != nil {
		return err
	}
	if err := poll(fmt.Sprintf("%d operations", from), func() bool { return h.Len() >= from }); err != nil {
		return err
	}
	victim, err := waitLeader(c, p.ID)
	if err != nil {
		return err
	}
	if err := c.StopNode(victim); err != nil {
		return err
	}
	t.Logf("stopped n%d, leader of partition %d, after %d operations", victim+1, p.ID, h.Len())
	if err := poll("a new leader", func() bool { _, ok := c.Leader(p.ID); return ok }); err != nil {
		return err
	}
	if err := poll(fmt.Sprintf("%d operations", to), func() bool { return h.Len() >= to }); err != nil {
		return err
	}
	t.Logf("restarting n%d after %d operations", victim+1, h.Len())
	return c.RestartNode(victim)
}

// alongside runs fault on a goroutine of its own and returns a function
// that waits for it and returns its error.
func alongside(fault func() error) (wait func() error) {
	errc := make(chan error, 1)
	go func() { errc <- fault() }()
	return func() error { return <-errc }
}

// runRegister runs the register workload with seed on c, with fault running
// alongside it (if not nil), and checks the history is linearizable.
func runRegister(t *testing.T, c *kv.LocalCluster, seed uint64, fault func(h *jepsen.History) error) {
	cfg := jepsen.WorkloadConfig{Endpoints: c.Endpoints(), Clients: 5, Ops: 600, RotateEvery: 100,
		Seed: seed, MinKnown: 400}
	runRegisterWith(t, cfg, jepsen.NewHistory(), fault)
}

// runRegisterWith runs the register workload cfg, recording into h, with
// fault running alongside it (if not nil), and checks the history is
// linearizable.
func runRegisterWith(t *testing.T, cfg jepsen.WorkloadConfig, h *jepsen.History, fault func(h *jepsen.History) error) {
	if fault == nil {
		fault = func(*jepsen.History) error { return nil }
	}
	wait := alongside(func() error { return fault(h) })
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	stats, err := jepsen.RunWorkload(ctx, h, cfg)
	require.NoError(t, wait(), "fault")
	t.Logf("workload: %s", stats)
	require.NoError(t, err)
	requireLinearizable(t, h.Ops(), fmt.Sprintf("%s-%d", t.Name(), cfg.Seed))
}

func requireLinearizable(t *testing.T, ops []jepsen.Op, name string) {
	t.Helper()
	r, err := jepsen.CheckLinearizable(ops, checkTimeout, jepsen.ArtifactDir(name))
	require.NoError(t, err)
	t.Log(r)
	require.True(t, r.OK(), "%s", r)
}

func TestJepsenHappyPath(t *testing.T) {
	eachSeed(t, func(t *testing.T, seed uint64) {
		runRegister(t, startCluster(t), seed, nil)
	})
}

func TestJepsenLeaderKilled(t *testing.T) {
	eachSeed(t, func(t *testing.T, seed uint64) {
		c := startCluster(t)
		runRegister(t, c, seed, func(h *jepsen.History) error {
			return killLeader(t, c, h, "jepsen/1/0", 150, 300)
		})
	})
}

// Every acknowledged insert survives a leader's stop and restart, nothing
// appears that was never inserted, and nothing is applied twice.
func TestJepsenInsertsLeaderKilled(t *testing.T) {
	c := startCluster(t)
	h := jepsen.NewHistory()
	wait := alongside(func() error { return killLeader(t, c, h, "set/00100", 100, 200) })
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	stats, err := jepsen.RunInserts(ctx, h, jepsen.InsertConfig{Endpoints: c.Endpoints(), Inserts: 400, MinAcked: 300})
	require.NoError(t, wait(), "fault")
	t.Logf("inserts: %s", stats)
	require.NoError(t, err)

	client, err := c.NewClient()
	require.NoError(t, err)
	defer client.Close()
	requireSetIntact(ctx, t, client, h, "set/")
}

// requireSetIntact reads the keys under prefix with client and checks them
// against the inserts recorded in h: every acknowledged one present,
// nothing present that was never inserted, nothing applied twice.
func requireSetIntact(ctx context.Context, t *testing.T, client *kv.Client, h *jepsen.History, prefix string) {
	t.Helper()
	final, err := jepsen.ReadSet(ctx, client, prefix)
	require.NoError(t, err)
	acked, unknown := jepsen.Inserted(h.Ops())
	report := jepsen.CheckSet(acked, unknown, final)
	t.Log(report)
	require.True(t, report.OK(), "%s", report)
}
