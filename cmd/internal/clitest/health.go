package clitest

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
	"github.com/treekv/kv/node/controller"
)

// HealthyTimeout bounds how long WaitHealthy waits.
const HealthyTimeout = time.Minute

// WaitHealthy polls GET /v1/cluster of the controller at base (such as
// "http://127.0.0.1:8080") until Healthy holds, and returns that view; it
// fails t, saying what was still off, after HealthyTimeout.
func WaitHealthy(t *testing.T, base string, nodes, partitions int) kv.ClusterView {
	t.Helper()
	var view kv.ClusterView
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		view = GetJSON[kv.ClusterView](c, base+"/v1/cluster")
		ok, why := Healthy(view, nodes, partitions)
		assert.True(c, ok, why)
	}, HealthyTimeout, 20*time.Millisecond, "a healthy cluster at %s", base)
	return view
}

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
