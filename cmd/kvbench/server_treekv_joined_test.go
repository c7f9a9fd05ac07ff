package main

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	kv "github.com/treekv/kv"
	"github.com/treekv/kv/node/controller"
	"github.com/treekv/kv/node/part"
)

// settledView returns the view of 3 up nodes and partitions partitions of 3
// replicas, led in turn by n1, n2, n3.
func settledView(partitions int) kv.ClusterView {
	view := kv.ClusterView{Map: &part.Map{}}
	for i := 1; i <= treekvNodes; i++ {
		view.Nodes = append(view.Nodes, controller.NodeView{ID: fmt.Sprintf("n%d", i), Health: controller.HealthUp})
	}
	for i := range partitions {
		leader := fmt.Sprintf("n%d", i%treekvNodes+1)
		p := controller.PartitionView{ID: uint64(i + 1), Leader: leader}
		for _, n := range view.Nodes {
			role := controller.RoleFollower
			if n.ID == leader {
				role = controller.RoleLeader
			}
			p.Replicas = append(p.Replicas, controller.ReplicaView{Node: n.ID, Role: role})
		}
		view.Partitions = append(view.Partitions, p)
	}
	return view
}

func TestSettledWaitsForASteadyCluster(t *testing.T) {
	tests := []struct {
		name    string
		change  func(v *kv.ClusterView)
		wantErr string
	}{
		{"settled", func(*kv.ClusterView) {}, ""},
		{"a node missing", func(v *kv.ClusterView) { v.Nodes = v.Nodes[:2] }, "2 of 3 nodes joined"},
		{"a node suspect", func(v *kv.ClusterView) { v.Nodes[1].Health = controller.HealthSuspect }, "node n2 is suspect"},
		{"no map yet", func(v *kv.ClusterView) { v.Map, v.Partitions = nil, nil }, "0 of 8 partitions placed"},
		{"a partition without leader", func(v *kv.ClusterView) { v.Partitions[3].Leader = "" }, "partition 4 has no leader"},
		{"a replica short", func(v *kv.ClusterView) { v.Partitions[0].Replicas = v.Partitions[0].Replicas[:2] },
			"partition 1 has 2 of 3 replicas"},
		{"a replica catching up", func(v *kv.ClusterView) { v.Partitions[2].Replicas[1].Role = controller.RoleCatchingUp },
			"partition 3: the replica on n2 is catching-up"},
		{"a move in flight", func(v *kv.ClusterView) { v.Moves = []controller.Move{{Partition: 1}} }, "1 replica moves in flight"},
		{"leaders bunched", func(v *kv.ClusterView) {
			for i := range v.Partitions {
				v.Partitions[i].Leader = "n1"
			}
		}, "leaderships not spread yet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			view := settledView(8)
			tt.change(&view)
			err := settled(view, treekvNodes, 8)
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, tt.wantErr)
		})
	}
}
