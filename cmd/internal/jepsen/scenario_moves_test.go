package jepsen_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
	"github.com/treekv/kv/cmd/internal/jepsen"
)

// Membership changes under a register and an insert load on a
// controller-managed cluster: a fourth node joins and a partition's
// replica moves from its leader onto it, a leadership is handed over, and
// a node is drained. The register history stays linearizable, no
// acknowledged insert is lost or applied twice, and afterwards the
// replicas of every partition hold the same entries.
func TestJepsenMembershipChanges(t *testing.T) {
	eachSeed(t, testMembershipChanges)
}

func testMembershipChanges(t *testing.T, seed uint64) {
	c := startControlled(t, kv.ClusterConfig{Controller: controlledConfig(2)})
	ctl := c.Controller()
	_, err := awaitView(ctl.View, "a settled placement", placementSettled(3))
	require.NoError(t, err)
	reg, set := jepsen.NewHistory(), jepsen.NewHistory()
	underLoad(t, reg, loadTimeout, loadTail, func() error { return membershipChanges(t, c, reg) },
		registerLoad(t, reg, registerConfig(c.Endpoints(), seed)),
		insertLoad(t, set, jepsen.InsertConfig{Endpoints: c.Endpoints(), Clients: 2, Inserts: untilStopped, MinAcked: 100}))

	requireLinearizable(t, reg.Ops(), fmt.Sprintf("%s-%d", t.Name(), seed))
	ctx, cancel := context.WithTimeout(context.Background(), checkTimeout)
	defer cancel()
	requireSetIntact(ctx, t, patientClient(t, c.Endpoints()), set, "set/")
	requireConverged(t, c, ctl.View)
}

// membershipChanges adds a node and moves a replica onto it, hands a
// leadership over, then drains that leader's node, each once h shows the
// cluster serving after the change before.
func membershipChanges(t *testing.T, c *kv.LocalCluster, h *jepsen.History) error {
	ctl := c.Controller()
	if err := progress(h, 100); err != nil {
		return err
	}
	pid, err := addAndMove(t, c, h)
	if err != nil {
		return err
	}
	v, err := awaitView(ctl.View, "a settled placement", placementSettled(3))
	if err != nil {
		return err
	}
	leader, err := transferLeader(c, v, pid, ctl.TransferLeader)
	if err != nil {
		return err
	}
	t.Logf("partition %d: leadership handed to %s after %d operations", pid, leader, h.Len())
	if err := progress(h, stepProgress); err != nil {
		return err
	}
	return drain(t, c, h, leader)
}

// addAndMove adds a node to c and moves onto it, from its leader, a
// replica of a partition it does not host; it returns the partition once
// the move finished and h shows the cluster serving.
func addAndMove(t *testing.T, c *kv.LocalCluster, h *jepsen.History) (uint64, error) {
	ctl := c.Controller()
	i, err := c.AddNode()
	if err != nil {
		return 0, err
	}
	to := c.Node(i).ID()
	t.Logf("added %s after %d operations", to, h.Len())
	move := func(ctx context.Context, pid uint64, from, to string) error { return ctl.Move(ctx, pid, from, to) }
	pid, from, _, err := startMove(c, ctl.View, move, func(kv.ClusterView) string { return to })
	if err != nil {
		return 0, err
	}
	t.Logf("moving partition %d from its leader %s to %s after %d operations", pid, from, to, h.Len())
	if _, err := awaitView(ctl.View, fmt.Sprintf("partition %d to move to %s", pid, to), moved(pid, from, to)); err != nil {
		return 0, err
	}
	t.Logf("partition %d moved to %s after %d operations", pid, to, h.Len())
	return pid, progress(h, stepProgress)
}

// drain drains node id and waits until the view shows it hosting nothing
// and leading nothing, with every partition settled elsewhere.
func drain(t *testing.T, c *kv.LocalCluster, h *jepsen.History, id string) error {
	ctl := c.Controller()
	if err := ctl.Drain(context.Background(), id); err != nil {
		return err
	}
	t.Logf("draining %s after %d operations", id, h.Len())
	_, err := awaitView(ctl.View, id+" drained", func(v kv.ClusterView) (bool, string) {
		for _, p := range v.Map.Partitions {
			if slices.Contains(p.Replicas, id) {
				return false, fmt.Sprintf("the map still places partition %d on %s", p.ID, id)
			}
		}
		for _, n := range v.Nodes {
			if n.ID == id && (n.Replicas > 0 || n.Leaders > 0) {
				return false, fmt.Sprintf("%s reports %d replicas, %d leaderships", id, n.Replicas, n.Leaders)
			}
		}
		return placementSettled(3)(v)
	})
	if err == nil {
		t.Logf("%s drained after %d operations", id, h.Len())
	}
	return err
}

// requireConverged waits until the placement is settled and every running
// node of c hosts exactly the replicas the map places on it (a replica
// moved away is deleted), then checks with jepsen.CheckConverged that the replicas
// of every partition hold the same entries.
func requireConverged(t *testing.T, c *kv.LocalCluster, view viewer) {
	t.Helper()
	v, err := awaitView(view, "every node to host exactly its placement", func(v kv.ClusterView) (bool, string) {
		if ok, off := placementSettled(3)(v); !ok {
			return false, off
		}
		return hostsPlacement(c, v)
	})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), checkTimeout)
	defer cancel()
	for _, p := range v.Map.Partitions {
		require.NoError(t, jepsen.CheckConverged(ctx, c, p.ID))
		t.Logf("partition %d converged on %v", p.ID, p.Replicas)
	}
}

// hostsPlacement reports whether every running node of c hosts exactly
// the replicas v's map places on it.
func hostsPlacement(c *kv.LocalCluster, v kv.ClusterView) (bool, string) {
	for i := range c.Size() {
		n := c.Node(i)
		if n == nil {
			continue
		}
		var want, got []uint64
		for _, p := range v.Map.Partitions {
			if slices.Contains(p.Replicas, n.ID()) {
				want = append(want, p.ID)
			}
		}
		for _, rs := range n.Replicas() {
			got = append(got, rs.Partition)
		}
		slices.Sort(got)
		if !slices.Equal(want, got) {
			return false, fmt.Sprintf("%s hosts partitions %v, the map places %v", n.ID(), got, want)
		}
	}
	return true, ""
}
