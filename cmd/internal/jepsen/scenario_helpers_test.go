package jepsen_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
	"github.com/treekv/kv/cmd/internal/jepsen"
	"github.com/treekv/kv/node/controller"
	"golang.org/x/sync/errgroup"
)

// Bounds of the scenarios that change the cluster under load.
const (
	// loadTimeout bounds a whole run under load, faults included.
	loadTimeout = 90 * time.Second
	// loadTail is how many more operations a load must complete after the
	// last change, so the cluster is shown serving in its final shape.
	loadTail = 200
	// stepProgress is how many operations must complete after each change
	// before the next starts.
	stepProgress = 50
	// changeTimeout bounds one controller action: a move, a drain, a
	// leadership transfer, an election.
	changeTimeout = 30 * time.Second
	// untilStopped caps a load that runs until its context ends.
	untilStopped = 1 << 20
)

// controlledConfig returns controller settings for the scenarios: quick
// ticks and health thresholds, and Partitions partitions.
func controlledConfig(partitions int) *kv.ControllerConfig {
	return &kv.ControllerConfig{
		Partitions:   partitions,
		Tick:         50 * time.Millisecond,
		SuspectAfter: 300 * time.Millisecond,
		DownAfter:    800 * time.Millisecond,
		ReplaceAfter: 500 * time.Millisecond,
	}
}

// startControlled starts cfg's nodes with fast Raft timings and heartbeats,
// under the controller cfg names, and closes them when the test ends.
func startControlled(t *testing.T, cfg kv.ClusterConfig) *kv.LocalCluster {
	t.Helper()
	cfg.Raft = kv.LoopbackRaftConfig()
	cfg.HeartbeatInterval = 100 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	c, err := kv.StartCluster(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, c.Close()) })
	return c
}

// underLoad runs loads while fault runs, then until h holds tail more
// operations, and stops them by ending their context; timeout bounds the
// whole run. It fails the test if the fault or a load failed.
func underLoad(t *testing.T, h *jepsen.History, timeout time.Duration, tail int, fault func() error, loads ...func(context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	faulted := alongside(func() error {
		defer cancel()
		if err := fault(); err != nil {
			return err
		}
		return progress(h, tail)
	})
	var g errgroup.Group
	for _, load := range loads {
		g.Go(func() error { return load(ctx) })
	}
	loadErr := g.Wait()
	require.NoError(t, faulted(), "fault")
	require.NoError(t, loadErr, "load")
}

// progress waits until h holds n more operations than now.
func progress(h *jepsen.History, n int) error {
	target := h.Len() + n
	return poll(fmt.Sprintf("%d operations", target), func() bool { return h.Len() >= target })
}

// registerLoad runs the register workload cfg into h until its context
// ends or cfg.Ops were issued.
func registerLoad(t *testing.T, h *jepsen.History, cfg jepsen.WorkloadConfig) func(context.Context) error {
	return func(ctx context.Context) error {
		stats, err := jepsen.RunWorkload(ctx, h, cfg)
		t.Logf("register workload: %s", stats)
		return err
	}
}

// insertLoad runs the insert workload cfg into h until its context ends or
// cfg.Inserts were issued.
func insertLoad(t *testing.T, h *jepsen.History, cfg jepsen.InsertConfig) func(context.Context) error {
	return func(ctx context.Context) error {
		stats, err := jepsen.RunInserts(ctx, h, cfg)
		t.Logf("insert workload: %s", stats)
		return err
	}
}

// registerConfig is the register workload of the scenarios, run until
// stopped, on endpoints.
func registerConfig(endpoints []string, seed uint64) jepsen.WorkloadConfig {
	return jepsen.WorkloadConfig{Endpoints: endpoints, Clients: 5, Ops: untilStopped,
		RotateEvery: 100, Seed: seed, MinKnown: 300}
}

// viewer returns the cluster as the controller leader sees it.
type viewer func(context.Context) (kv.ClusterView, error)

// awaitView polls view until cond holds, or fails after changeTimeout
// naming what and what cond last said was off.
func awaitView(view viewer, what string, cond func(kv.ClusterView) (bool, string)) (kv.ClusterView, error) {
	ctx, cancel := context.WithTimeout(context.Background(), changeTimeout)
	defer cancel()
	var v kv.ClusterView
	state := "no view yet"
	err := pollUntil(ctx, func() bool {
		got, err := view(ctx)
		if err != nil {
			state = err.Error()
			return false
		}
		v = got
		ok, off := cond(v)
		state = off
		return ok
	})
	if err != nil {
		return v, fmt.Errorf("waited %s for %s: %s", changeTimeout, what, state)
	}
	return v, nil
}

// pollUntil calls cond every pollEvery until it holds or ctx ends.
func pollUntil(ctx context.Context, cond func() bool) error {
	ticker := time.NewTicker(pollEvery)
	defer ticker.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ticker.C:
		}
	}
	return nil
}

// placementSettled reports whether v shows no move in flight and every
// partition with replicas replicas on distinct up nodes, each of them
// leader or follower, and a leader; the string says what is still off.
func placementSettled(replicas int) func(kv.ClusterView) (bool, string) {
	return func(v kv.ClusterView) (bool, string) {
		if len(v.Moves) > 0 {
			return false, fmt.Sprintf("moves in flight: %+v", v.Moves)
		}
		health := map[string]string{}
		for _, n := range v.Nodes {
			health[n.ID] = n.Health
		}
		for _, p := range v.Partitions {
			nodes := map[string]bool{}
			for _, r := range p.Replicas {
				if health[r.Node] != controller.HealthUp || (r.Role != controller.RoleLeader && r.Role != controller.RoleFollower) {
					return false, fmt.Sprintf("partition %d: replica on %s (%s) is %s", p.ID, r.Node, health[r.Node], r.Role)
				}
				nodes[r.Node] = true
			}
			if len(nodes) != replicas || p.Leader == "" {
				return false, fmt.Sprintf("partition %d: replicas on %v, leader %q", p.ID, nodes, p.Leader)
			}
		}
		return true, ""
	}
}

// leaderID returns the ID of the node whose replica leads partition pid.
func leaderID(c *kv.LocalCluster, pid uint64) (string, bool) {
	i, ok := c.Leader(pid)
	if !ok {
		return "", false
	}
	n := c.Node(i)
	if n == nil {
		return "", false
	}
	return n.ID(), true
}

// startMove asks the controller, through act, to move onto the node
// target picks in the view a replica of a partition that node does not
// host, from that partition's leader, until the controller accepts (the
// node must first be up in its eyes). It returns the partition, the source
// and the target.
func startMove(c *kv.LocalCluster, view viewer, act func(ctx context.Context, pid uint64, from, to string) error, target func(kv.ClusterView) string) (pid uint64, from, to string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), changeTimeout)
	defer cancel()
	last := errors.New("no partition to move")
	err = pollUntil(ctx, func() bool {
		v, err := view(ctx)
		if err != nil {
			last = err
			return false
		}
		to = target(v)
		for _, p := range v.Map.Partitions {
			moving := slices.ContainsFunc(v.Moves, func(m controller.Move) bool { return m.Partition == p.ID })
			leader, ok := leaderID(c, p.ID)
			if moving || !ok || slices.Contains(p.Replicas, to) {
				continue
			}
			if last = act(ctx, p.ID, leader, to); last == nil {
				pid, from = p.ID, leader
				return true
			}
		}
		return false
	})
	if err != nil {
		return 0, "", "", fmt.Errorf("start a move onto %s: %w", to, last)
	}
	return pid, from, to, nil
}

// moved reports whether v shows partition pid's replica moved from from
// to to, the move finished, and the partition settled.
func moved(pid uint64, from, to string) func(kv.ClusterView) (bool, string) {
	return func(v kv.ClusterView) (bool, string) {
		p, ok := v.Map.Partition(pid)
		if !ok {
			return false, fmt.Sprintf("partition %d is not in the map", pid)
		}
		if slices.Contains(p.Replicas, from) || !slices.Contains(p.Replicas, to) {
			return false, fmt.Sprintf("partition %d on %v, moves %+v", pid, p.Replicas, v.Moves)
		}
		return placementSettled(len(p.Replicas))(v)
	}
}

// transferLeader asks the controller, through act, to hand partition pid's
// leadership to another replica in v's map, again every retryEvery, until
// that replica leads. It returns the new leader's ID.
func transferLeader(c *kv.LocalCluster, v kv.ClusterView, pid uint64, act func(ctx context.Context, pid uint64, to string) error) (string, error) {
	p, ok := v.Map.Partition(pid)
	old, led := leaderID(c, pid)
	if !ok || !led {
		return "", fmt.Errorf("partition %d: in the map %t, led %t", pid, ok, led)
	}
	to := p.Replicas[0]
	if to == old {
		to = p.Replicas[1]
	}
	ctx, cancel := context.WithTimeout(context.Background(), changeTimeout)
	defer cancel()
	var asked time.Time
	var last error
	err := pollUntil(ctx, func() bool {
		if now, ok := leaderID(c, pid); ok && now == to {
			return true
		}
		if time.Since(asked) > retryEvery {
			asked, last = time.Now(), act(ctx, pid, to)
		}
		return false
	})
	if err != nil {
		return "", fmt.Errorf("hand partition %d's leadership from %s to %s (last answer %v): %w", pid, old, to, last, err)
	}
	return to, nil
}

// retryEvery is how often transferLeader asks again.
const retryEvery = time.Second

// patientClient returns a client of endpoints that rides out elections,
// for the final reads of a scenario; it closes when the test ends.
func patientClient(t *testing.T, endpoints []string) *kv.Client {
	t.Helper()
	client, err := kv.NewClient(kv.ClientConfig{Endpoints: endpoints, MaxAttempts: 30,
		BaseBackoff: 10 * time.Millisecond, MaxBackoff: 500 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(client.Close)
	return client
}
