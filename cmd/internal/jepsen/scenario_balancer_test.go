package jepsen_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
	"github.com/treekv/kv/cmd/internal/jepsen"
)

// The leader of a partition is stopped and restarted while clients talk
// to a balancer in front of a controller-managed cluster and to the nodes:
// every client's calls go through the balancer and to each node in turn,
// and one client talks to the balancer alone. The history stays
// linearizable and the balancer-only client keeps being served.
func TestJepsenBalancerLeaderKilled(t *testing.T) {
	eachSeed(t, testBalancerLeaderKilled)
}

func testBalancerLeaderKilled(t *testing.T, seed uint64) {
	c := startControlled(t, kv.ClusterConfig{DataDir: t.TempDir(), Controller: controlledConfig(4)})
	_, err := awaitView(c.Controller().View, "a settled placement", placementSettled(3))
	require.NoError(t, err)
	bal, base := serveBalancer(t, kv.BalancerConfig{Controller: c.Controller().URL(), Policy: kv.PolicyLeaderAware}, 3)
	cfg := jepsen.WorkloadConfig{Endpoints: append([]string{base}, c.Endpoints()...), Clients: 4,
		Pinned: []string{base}, Ops: 800, RotateEvery: 100, Seed: seed, MinKnown: 400}
	h := jepsen.NewHistory()
	runRegisterWith(t, cfg, h, func(h *jepsen.History) error {
		return killLeader(t, c, h, "jepsen/1/0", 150, 300)
	})
	s := bal.Status()
	t.Logf("balancer: %d requests, %d errors, %d retries, %d failovers", s.Requests, s.Errors, s.Retries, s.Failovers)
	served, failed := window(h, cfg.Clients, 0, h.Now())
	t.Logf("the balancer-only client: %d operations answered, %d failed or unknown", len(served), len(failed))
	require.GreaterOrEqual(t, len(served), 50, "the balancer-only client was hardly served")
}

// Inserts through a balancer alone, each sent once by its client so that
// every retry is the balancer's, under its Idempotency-Key, while a
// partition's leader is stopped and restarted: no acknowledged insert is
// lost, nothing appears that was not inserted, and nothing is applied
// twice. The seed picks the partition.
func TestJepsenBalancerInserts(t *testing.T) {
	eachSeed(t, testBalancerInserts)
}

func testBalancerInserts(t *testing.T, seed uint64) {
	const inserts = 400
	c := startCluster(t)
	bal, base := serveBalancer(t, kv.BalancerConfig{Backends: c.Endpoints()}, 3)
	h := jepsen.NewHistory()
	victimKey := fmt.Sprintf("set/%05d", seed%inserts)
	wait := alongside(func() error { return killLeader(t, c, h, victimKey, 100, 200) })
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	stats, err := jepsen.RunInserts(ctx, h, jepsen.InsertConfig{Endpoints: []string{base}, Inserts: inserts,
		MaxAttempts: 1, MinAcked: 300})
	require.NoError(t, wait(), "fault")
	t.Logf("inserts: %s", stats)
	require.NoError(t, err)
	s := bal.Status()
	t.Logf("balancer: %d requests, %d errors, %d retries, %d failovers", s.Requests, s.Errors, s.Retries, s.Failovers)

	ctx, cancel = context.WithTimeout(context.Background(), checkTimeout)
	defer cancel()
	requireSetIntact(ctx, t, patientClient(t, c.Endpoints()), h, "set/")
}

// serveBalancer serves a balancer for cfg, with quick health checks and
// ejections and enough quickly paced retries to ride out an election, on a
// loopback port, and waits until it counts healthy checked backends. Both
// stop when the test ends. It returns the balancer and its base URL.
func serveBalancer(t *testing.T, cfg kv.BalancerConfig, healthy int) (*kv.Balancer, string) {
	t.Helper()
	cfg.CheckInterval = 50 * time.Millisecond
	cfg.EjectBase, cfg.EjectMax = 100*time.Millisecond, time.Second
	cfg.MaxRetries, cfg.RetryBackoff = 30, 20*time.Millisecond
	bal, err := kv.NewBalancer(cfg)
	require.NoError(t, err)
	t.Cleanup(bal.Close)
	srv := httptest.NewServer(bal)
	t.Cleanup(srv.Close)
	require.NoError(t, poll(fmt.Sprintf("%d healthy backends", healthy), func() bool {
		checked := 0
		for _, b := range bal.Status().Backends {
			if b.Healthy && b.LastCheck != nil {
				checked++
			}
		}
		return checked == healthy
	}))
	return bal, srv.URL
}
