package jepsen_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
	"github.com/treekv/kv/cmd/internal/jepsen"
)

// The leader of a group of three controllers is closed under a register
// load on four nodes that know all three: the other two elect a new
// leader, whose view carries on with a higher version; through it a
// partition's replica then moves from its leader to another node and a
// leadership is handed over. The history stays linearizable and the
// replicas converge.
func TestJepsenControllerLeaderKilled(t *testing.T) {
	eachSeed(t, testControllerLeaderKilled)
}

func testControllerLeaderKilled(t *testing.T, seed uint64) {
	group := startControllerGroup(t, 3)
	c := startControlled(t, kv.ClusterConfig{Nodes: 4, JoinController: groupURLs(group)})
	view := groupView(group)
	_, err := awaitView(view, "a settled placement", placementSettled(3))
	require.NoError(t, err)
	h := jepsen.NewHistory()
	var versions []uint64
	underLoad(t, h, loadTimeout, loadTail, func() error {
		var err error
		versions, err = controllerFailover(t, group, c, h)
		return err
	}, registerLoad(t, h, registerConfig(c.Endpoints(), seed)))

	t.Logf("view versions: before the failover %#x, under the new leader %#x, after its move %#x", versions[0], versions[1], versions[2])
	require.Less(t, versions[0], versions[1], "the new leader's view version is above the old leader's")
	require.Less(t, versions[1], versions[2], "the view version rises with the new leader's move")
	requireLinearizable(t, h.Ops(), fmt.Sprintf("%s-%d", t.Name(), seed))
	requireConverged(t, c, view)
}

// controllerFailover closes the controller leader, waits for a new one,
// then moves a replica and hands a leadership over through it. It returns
// the view's version before the failover, under the new leader, and once
// the move finished.
func controllerFailover(t *testing.T, group []*kv.Cluster, c *kv.LocalCluster, h *jepsen.History) ([]uint64, error) {
	if err := progress(h, 100); err != nil {
		return nil, err
	}
	view := groupView(group)
	old, before, err := leaderAndView(group)
	if err != nil {
		return nil, err
	}
	t.Logf("closing the controller leader %s after %d operations", before.Leader, h.Len())
	if err := old.Close(); err != nil {
		return nil, fmt.Errorf("close the controller leader: %w", err)
	}
	t.Logf("closed the controller leader %s after %d operations", before.Leader, h.Len())
	under, err := awaitView(view, "a new controller leader", func(v kv.ClusterView) (bool, string) {
		return v.Leader != before.Leader, "leader " + v.Leader
	})
	if err != nil {
		return nil, err
	}
	t.Logf("controller %s leads after %d operations", under.Leader, h.Len())
	after, err := moveThroughLeader(t, c, group, h)
	return []uint64{before.Version, under.Version, after.Version}, err
}

// moveThroughLeader moves a partition's replica from its leader to a node
// that does not host it, then hands that partition's leadership to another
// replica, through the controller group's leader, once h shows the
// cluster serving. It returns the view once the move finished.
func moveThroughLeader(t *testing.T, c *kv.LocalCluster, group []*kv.Cluster, h *jepsen.History) (kv.ClusterView, error) {
	if err := progress(h, stepProgress); err != nil {
		return kv.ClusterView{}, err
	}
	view := groupView(group)
	pid, from, to, err := startAnyMove(c, group)
	if err != nil {
		return kv.ClusterView{}, err
	}
	t.Logf("moving partition %d from its leader %s to %s after %d operations", pid, from, to, h.Len())
	v, err := awaitView(view, fmt.Sprintf("partition %d to move to %s", pid, to), moved(pid, from, to))
	if err != nil {
		return v, err
	}
	t.Logf("partition %d moved to %s after %d operations", pid, to, h.Len())
	leader, err := transferLeader(c, v, pid, func(ctx context.Context, pid uint64, to string) error {
		return onLeader(group, func(ctl *kv.Cluster) error { return ctl.TransferLeader(ctx, pid, to) })
	})
	if err == nil {
		t.Logf("partition %d: leadership handed to %s after %d operations", pid, leader, h.Len())
	}
	return v, err
}

// startAnyMove starts, through the group's leader, a move of some
// partition's replica from its leader onto the node with the fewest
// replicas.
func startAnyMove(c *kv.LocalCluster, group []*kv.Cluster) (pid uint64, from, to string, err error) {
	move := func(ctx context.Context, pid uint64, from, to string) error {
		return onLeader(group, func(ctl *kv.Cluster) error { return ctl.Move(ctx, pid, from, to) })
	}
	return startMove(c, groupView(group), move, emptiest)
}

// emptiest returns a node of v that hosts the fewest replicas in its map.
func emptiest(v kv.ClusterView) string {
	counts := map[string]int{}
	for _, p := range v.Map.Partitions {
		for _, id := range p.Replicas {
			counts[id]++
		}
	}
	best := ""
	for _, n := range v.Nodes {
		if best == "" || counts[n.ID] < counts[best] {
			best = n.ID
		}
	}
	return best
}

// startControllerGroup starts n controller instances with quick ticks and
// thresholds, planning two partitions: the first starts the group, the
// others join it. It waits until the group counts n members, and closes
// them when the test ends.
func startControllerGroup(t *testing.T, n int) []*kv.Cluster {
	t.Helper()
	var group []*kv.Cluster
	for i := range n {
		cfg := *controlledConfig(2)
		cfg.ID, cfg.Raft = fmt.Sprintf("c%d", i+1), kv.LoopbackRaftConfig()
		if i > 0 {
			cfg.Join = group[0].URL()
		}
		ctl, err := kv.NewCluster(cfg)
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, ctl.Close()) })
		group = append(group, ctl)
	}
	require.NoError(t, poll(fmt.Sprintf("%d controllers in the group", n), func() bool {
		v, err := groupView(group)(context.Background())
		return err == nil && len(v.Controllers) == n
	}))
	return group
}

func groupURLs(group []*kv.Cluster) string {
	urls := make([]string, len(group))
	for i, ctl := range group {
		urls[i] = ctl.URL()
	}
	return strings.Join(urls, ",")
}

// groupLeader returns the instance that leads the group, or nil.
func groupLeader(group []*kv.Cluster) *kv.Cluster {
	for _, ctl := range group {
		if ctl.IsLeader() {
			return ctl
		}
	}
	return nil
}

// leaderAndView returns the group's leader and its view, once that view
// names it the leader.
func leaderAndView(group []*kv.Cluster) (*kv.Cluster, kv.ClusterView, error) {
	var ctl *kv.Cluster
	v, err := awaitView(func(ctx context.Context) (kv.ClusterView, error) {
		if ctl = groupLeader(group); ctl == nil {
			return kv.ClusterView{}, errors.New("the controller group has no leader")
		}
		return ctl.View(ctx)
	}, "the controller leader's view", func(v kv.ClusterView) (bool, string) {
		for _, rec := range v.Controllers {
			if rec.ID == v.Leader && rec.HTTPAddr == ctl.HTTPAddr() {
				return true, ""
			}
		}
		return false, "the view names " + v.Leader
	})
	return ctl, v, err
}

// onLeader runs act on the group's leader.
func onLeader(group []*kv.Cluster, act func(*kv.Cluster) error) error {
	ctl := groupLeader(group)
	if ctl == nil {
		return errors.New("the controller group has no leader")
	}
	return act(ctl)
}

// groupView returns the view of the group's leader.
func groupView(group []*kv.Cluster) viewer {
	return func(ctx context.Context) (kv.ClusterView, error) {
		var v kv.ClusterView
		err := onLeader(group, func(ctl *kv.Cluster) error {
			var err error
			v, err = ctl.View(ctx)
			return err
		})
		return v, err
	}
}
