package kv_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
	"github.com/treekv/kv/node"
)

// A node that restarts on new ports rejoins under its ID: the controller
// records its new addresses, every Raft group it belongs to learns them,
// and it serves its replicas again.
func TestControllerNodeRejoinsAtNewAddress(t *testing.T) {
	dir := t.TempDir()
	c := startControlled(t, kv.ClusterConfig{DataDir: dir})
	ctl := c.Controller()
	waitFor(t, "a settled placement", func() (bool, string) { return settled(clusterView(t, ctl), 3) })
	client := newPatientClient(t, c.Endpoints())
	acked := writeAcked(t, client, "rejoin", 20)
	old := nodeView(clusterView(t, ctl), "n2")

	require.NoError(t, c.StopNode(1))
	moved, err := node.New(node.Config{
		ID: "n2", DataDir: filepath.Join(dir, "n2"), Raft: kv.LoopbackRaftConfig(),
		Controller: ctl.URL(), HeartbeatInterval: 100 * time.Millisecond,
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = moved.Close() })
	require.NotEqual(t, old.HTTPAddr, moved.HTTPAddr())

	waitFor(t, "n2 known at its new address by the controller and every group", func() (bool, string) {
		v := clusterView(t, ctl)
		n := nodeView(v, "n2")
		ok, state := settled(v, 3)
		for _, pid := range replicaPartitions(moved) {
			if addr := membersAddr(t, liveNodes(c, moved), pid, "n2"); addr != moved.RaftAddr() {
				return false, fmt.Sprintf("partition %d has n2 at %q", pid, addr)
			}
		}
		return ok && n.HTTPAddr == moved.HTTPAddr() && n.RaftAddr == moved.RaftAddr(), fmt.Sprintf("n2 at %s; %s", n.HTTPAddr, state)
	})
	// The moved node answers every acknowledged key from its own replicas.
	requireCaughtUp(t, "http://"+moved.HTTPAddr(), acked)
}

func replicaPartitions(n *node.Node) []uint64 {
	var out []uint64
	for _, rs := range n.Replicas() {
		out = append(out, rs.Partition)
	}
	return out
}

// liveNodes lists the running nodes of c and the extra ones.
func liveNodes(c *kv.LocalCluster, extra ...*node.Node) []*node.Node {
	var out []*node.Node
	for i := range c.Size() {
		if n := c.Node(i); n != nil {
			out = append(out, n)
		}
	}
	return append(out, extra...)
}

// membersAddr returns the Raft address the leader of partition pid, among
// nodes, has for node id.
func membersAddr(t *testing.T, nodes []*node.Node, pid uint64, id string) string {
	t.Helper()
	for _, n := range nodes {
		if rep, ok := n.Replica(pid); ok && rep.IsLeader() {
			members, err := rep.Members()
			if err != nil {
				return ""
			}
			for _, m := range members {
				if m.ID == id {
					return m.RaftAddr
				}
			}
		}
	}
	return ""
}
