package clitest

import (
	"fmt"

	"github.com/treekv/kv"
	"github.com/treekv/kv/node/controller"
)

// Healthy reports whether view shows the given numbers of nodes, all up,
// and of partitions, each with a leader; the string says what is off.
func Healthy(view kv.ClusterView, nodes, partitions int) (bool, string) {
	if len(view.Nodes) != nodes || len(view.Partitions) != partitions {
		return false, fmt.Sprintf("%d nodes and %d partitions", len(view.Nodes), len(view.Partitions))
	}
	for _, n := range view.Nodes {
		if n.Health != controller.HealthUp {
			return false, fmt.Sprintf("node %s is %s", n.ID, n.Health)
		}
	}
	for _, p := range view.Partitions {
		if p.Leader == "" {
			return false, fmt.Sprintf("partition %d has no leader", p.ID)
		}
	}
	return true, ""
}
