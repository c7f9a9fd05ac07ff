package kv_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
	"github.com/treekv/kv/node/controller"
)

// fastController returns controller settings for tests: quick ticks and
// health thresholds.
func fastController() *kv.ControllerConfig {
	return &kv.ControllerConfig{
		Tick:         50 * time.Millisecond,
		SuspectAfter: 300 * time.Millisecond,
		DownAfter:    800 * time.Millisecond,
		ReplaceAfter: 500 * time.Millisecond,
	}
}

// startControlled starts a cluster whose nodes join an in-process controller.
func startControlled(t *testing.T, cfg kv.ClusterConfig) *kv.LocalCluster {
	t.Helper()
	if cfg.Controller == nil {
		cfg.Controller = fastController()
	}
	cfg.HeartbeatInterval = 100 * time.Millisecond
	return startCluster(t, cfg)
}

func clusterView(t *testing.T, ctl *kv.Cluster) kv.ClusterView {
	t.Helper()
	v, err := tryView(ctl)
	require.NoError(t, err)
	return v
}

// tryView returns ctl's view, or the error of a controller group that is
// electing a leader, for a poll to try again.
func tryView(ctl *kv.Cluster) (kv.ClusterView, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return ctl.View(ctx)
}

// settled reports whether every partition has its replicas on distinct up
// nodes outside avoid, each of them reporting, a leader, and no move in
// flight; the string says what is still off.
func settled(v kv.ClusterView, replicas int, avoid ...string) (bool, string) {
	if len(v.Moves) > 0 {
		return false, fmt.Sprintf("%d moves in flight", len(v.Moves))
	}
	health := map[string]string{}
	for _, n := range v.Nodes {
		health[n.ID] = n.Health
	}
	for _, p := range v.Partitions {
		var nodes []string
		for _, r := range p.Replicas {
			if slices.Contains(avoid, r.Node) || health[r.Node] != controller.HealthUp ||
				(r.Role != controller.RoleLeader && r.Role != controller.RoleFollower) {
				return false, fmt.Sprintf("partition %d: replica on %s is %s", p.ID, r.Node, r.Role)
			}
			nodes = append(nodes, r.Node)
		}
		slices.Sort(nodes)
		if len(slices.Compact(nodes)) != replicas || p.Leader == "" {
			return false, fmt.Sprintf("partition %d: replicas %v, leader %q", p.ID, nodes, p.Leader)
		}
	}
	return true, ""
}

func nodeView(v kv.ClusterView, id string) controller.NodeView {
	for _, n := range v.Nodes {
		if n.ID == id {
			return n
		}
	}
	return controller.NodeView{}
}

func TestControllerPlansTheMap(t *testing.T) {
	c := startControlled(t, kv.ClusterConfig{})
	client := newClusterClient(t, c)
	ctx := testContext(t, 30*time.Second)
	_, err := client.Put(ctx, "a", []byte("1"))
	require.NoError(t, err)
	v := clusterView(t, c.Controller())
	require.Len(t, v.Nodes, 3)
	require.Len(t, v.Partitions, 8)
	require.Equal(t, "c1", v.Leader)
	require.True(t, v.Local)
	waitFor(t, "a settled placement", func() (bool, string) { return settled(clusterView(t, c.Controller()), 3) })
}

// A node stopped past the threshold: every partition returns to three
// healthy replicas on the remaining nodes, and every acknowledged key is
// still readable.
func TestControllerReplacesDownNode(t *testing.T) {
	c := startControlled(t, kv.ClusterConfig{Nodes: 4, DataDir: t.TempDir()})
	ctl := c.Controller()
	waitFor(t, "a settled placement", func() (bool, string) { return settled(clusterView(t, ctl), 3) })
	client := newPatientClient(t, c.Endpoints())
	acked := writeAcked(t, client, "down", 40)

	require.NoError(t, c.StopNode(0))
	waitFor(t, "n1 reported down", func() (bool, string) {
		h := nodeView(clusterView(t, ctl), "n1").Health
		return h == controller.HealthDown, h
	})
	waitFor(t, "three replicas per partition without n1", func() (bool, string) {
		return settled(clusterView(t, ctl), 3, "n1")
	})
	requireAcked(t, client, acked)
}

// A move whose target goes down is given up at once, not left to time out
// while its partition waits: the target leaves the partition's group, and
// the placement settles without the node.
func TestControllerAbandonsMoveToDownNode(t *testing.T) {
	c := startControlled(t, kv.ClusterConfig{Nodes: 4, DataDir: t.TempDir()})
	ctl := c.Controller()
	waitFor(t, "a settled placement", func() (bool, string) { return settled(clusterView(t, ctl), 3) })
	p := clusterView(t, ctl).Partitions[0]
	to := 0
	for hostsPartition(p, nodeName(to)) {
		to++
	}
	require.NoError(t, ctl.Move(testContext(t, 10*time.Second), p.ID, p.Replicas[0].Node, nodeName(to)))
	require.NoError(t, c.StopNode(to))

	waitFor(t, "a placement settled without "+nodeName(to), func() (bool, string) {
		return settled(clusterView(t, ctl), 3, nodeName(to))
	})
	members := groupMembers(t, c, p.ID)
	require.NotContains(t, members, nodeName(to), "the move's target left partition %d's group", p.ID)
	require.Len(t, members, 3)
}

// nodeName is the ID of a LocalCluster's node i (from 0).
func nodeName(i int) string { return fmt.Sprintf("n%d", i+1) }

// groupMembers returns the IDs of partition pid's group members, as its
// leader's replica reports them.
func groupMembers(t *testing.T, c *kv.LocalCluster, pid uint64) []string {
	t.Helper()
	i, err := c.WaitLeader(testContext(t, eventually), pid)
	require.NoError(t, err)
	rep, ok := c.Node(i).Replica(pid)
	require.True(t, ok)
	members, err := rep.Members()
	require.NoError(t, err)
	var ids []string
	for _, m := range members {
		ids = append(ids, m.ID)
	}
	return ids
}

// writeAcked writes n keys and returns the acknowledged writes.
func writeAcked(t *testing.T, client *kv.Client, prefix string, n int) map[string]kv.Value {
	t.Helper()
	ctx := testContext(t, 30*time.Second)
	acked := map[string]kv.Value{}
	for i := range n {
		key := fmt.Sprintf("%s/%03d", prefix, i)
		rev, err := client.Put(ctx, key, []byte(key))
		require.NoError(t, err)
		acked[key] = kv.Value{Data: []byte(key), Revision: rev}
	}
	return acked
}

// A fourth node joins under write load: replicas and leaderships spread
// onto it, and no acknowledged write is lost.
func TestControllerNodeJoinsUnderLoad(t *testing.T) {
	c := startControlled(t, kv.ClusterConfig{})
	ctl := c.Controller()
	waitFor(t, "a settled placement", func() (bool, string) { return settled(clusterView(t, ctl), 3) })
	client := newPatientClient(t, c.Endpoints())
	load := startWriteLoad(t, client, "join", 3, 60)
	load.waitAcked(t, 20)

	i, err := c.AddNode()
	require.NoError(t, err)
	id := fmt.Sprintf("n%d", i+1)
	waitFor(t, id+" holds its share of replicas and leaderships", func() (bool, string) {
		v := clusterView(t, ctl)
		n := nodeView(v, id)
		ok, state := settled(v, 3)
		return ok && n.Replicas >= 5 && n.Leaders >= 1, fmt.Sprintf("%s: %d replicas, %d leaders; %s", id, n.Replicas, n.Leaders, state)
	})
	acked := load.finish(t)
	requireAcked(t, client, acked)
}

// Draining a node moves every replica and leadership off it; only then can
// it be removed.
func TestControllerDrainThenRemove(t *testing.T) {
	c := startControlled(t, kv.ClusterConfig{Nodes: 4})
	ctl := c.Controller()
	waitFor(t, "a settled placement", func() (bool, string) { return settled(clusterView(t, ctl), 3) })
	ctx := testContext(t, 30*time.Second)
	require.NoError(t, ctl.Drain(ctx, "n4"))
	require.ErrorIs(t, ctl.RemoveNode(ctx, "n4"), kv.ErrConflict, "a node with replicas cannot be removed")

	waitFor(t, "n4 drained", func() (bool, string) {
		v := clusterView(t, ctl)
		n := nodeView(v, "n4")
		ok, state := settled(v, 3, "n4")
		return ok && n.Replicas == 0 && n.Leaders == 0, fmt.Sprintf("n4: %d replicas, %d leaders; %s", n.Replicas, n.Leaders, state)
	})
	require.NoError(t, ctl.RemoveNode(ctx, "n4"))
	v := clusterView(t, ctl)
	require.Len(t, v.Nodes, 3)
	for _, n := range v.Map.Nodes {
		require.NotEqual(t, "n4", n.ID)
	}
	n4 := c.Node(3)
	err := ctl.Join(ctx, "n4", n4.HTTPAddr(), n4.RaftAddr())
	require.ErrorIs(t, err, kv.ErrConflict, "a removed node may not join again")
}
