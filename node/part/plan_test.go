package part

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPlanDefaults(t *testing.T) {
	m := mustPlan(t, PlanConfig{Nodes: testNodes(3)})
	require.Equal(t, uint64(1), m.Version)
	require.Equal(t, KindHash, m.Partitioner)
	require.Len(t, m.Partitions, DefaultPartitions)
	require.Equal(t, testNodes(3), m.Nodes)
	for i, p := range m.Partitions {
		require.Equal(t, uint64(i+1), p.ID, "IDs run 1..P in position order")
		require.Equal(t, uint64(1), p.Epoch)
		require.Len(t, p.Replicas, DefaultReplicas)
	}
}

func TestPlanPlacement(t *testing.T) {
	tests := []struct {
		partitions, replicas, nodes int
	}{
		{8, 3, 4}, {12, 3, 3}, {16, 3, 8}, {6, 2, 3}, {5, 5, 5}, {8, 1, 2}, {7, 3, 5},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("P%d_R%d_N%d", tt.partitions, tt.replicas, tt.nodes), func(t *testing.T) {
			m := mustPlan(t, PlanConfig{Partitions: tt.partitions, Replicas: tt.replicas, Nodes: testNodes(tt.nodes)})
			leads := map[string]int{}
			for _, p := range m.Partitions {
				require.Len(t, p.Replicas, tt.replicas)
				require.Len(t, distinct(p.Replicas), tt.replicas, "partition %d: no node twice", p.ID)
				leads[p.Replicas[0]]++
			}
			requireEvenLeaders(t, leads, tt.partitions, tt.nodes)
		})
	}
}

// requireEvenLeaders checks that each node is preferred leader of P/N
// partitions, rounded down or up.
func requireEvenLeaders(t *testing.T, leads map[string]int, p, n int) {
	t.Helper()
	for _, node := range testNodes(n) {
		c := leads[node.ID]
		require.True(t, c == p/n || (p%n != 0 && c == p/n+1), "%s leads %d of %d partitions", node.ID, c, p)
	}
}

func distinct(ids []string) map[string]bool {
	set := map[string]bool{}
	for _, id := range ids {
		set[id] = true
	}
	return set
}

func TestPlanRotatesReplicas(t *testing.T) {
	m := mustPlan(t, PlanConfig{Partitions: 4, Nodes: testNodes(3)})
	require.Equal(t, []string{"n1", "n2", "n3"}, m.Partitions[0].Replicas)
	require.Equal(t, []string{"n2", "n3", "n1"}, m.Partitions[1].Replicas)
	require.Equal(t, []string{"n3", "n1", "n2"}, m.Partitions[2].Replicas)
	require.Equal(t, []string{"n1", "n2", "n3"}, m.Partitions[3].Replicas)
}

func TestPlanRange(t *testing.T) {
	m := rangeMap(t)
	require.Equal(t, KindRange, m.Partitioner)
	require.Len(t, m.Partitions, 4)
	require.Equal(t, b("m"), m.Partitions[2].Start)

	one := mustPlan(t, PlanConfig{Partitioner: KindRange, Partitions: 1, Nodes: testNodes(3)})
	require.Len(t, one.Partitions, 1, "no split keys: one partition")
}

func TestPlanDoesNotAliasConfig(t *testing.T) {
	nodes := testNodes(3)
	m := mustPlan(t, PlanConfig{Nodes: nodes})
	nodes[0].ID = "changed"
	require.Equal(t, "n1", m.Nodes[0].ID)
}

func TestPlanRejects(t *testing.T) {
	tests := []struct {
		name string
		cfg  PlanConfig
		want string
	}{
		{"too few nodes", PlanConfig{Nodes: testNodes(2)}, "3 replicas need at least 3 nodes, have 2"},
		{"no nodes", PlanConfig{Replicas: 1}, "1 replicas need at least 1 nodes, have 0"},
		{"negative replicas", PlanConfig{Replicas: -1, Nodes: testNodes(3)}, "replicas must be positive, got -1"},
		{"unknown partitioner", PlanConfig{Partitioner: "zorder", Nodes: testNodes(3)}, `unknown partitioner "zorder"`},
		{"zero-width hash", PlanConfig{Partitions: -2, Nodes: testNodes(3)}, "hash partitions must be in 1..65536, got -2"},
		{"split keys with hash", PlanConfig{SplitKeys: []string{"m"}, Nodes: testNodes(3)}, `SplitKeys apply to the "range" partitioner only`},
		{"bad split keys", PlanConfig{Partitioner: KindRange, SplitKeys: []string{"m", "g"}, Nodes: testNodes(3)}, "split keys must be strictly increasing"},
		{"partitions disagree with split keys", PlanConfig{Partitioner: KindRange, Partitions: 3, SplitKeys: []string{"m"}, Nodes: testNodes(3)},
			`3 partitions asked of the "range" partitioner, but 1 split keys make 2`},
		{"duplicate node", PlanConfig{Nodes: append(testNodes(3), NodeInfo{ID: "n2"})}, `duplicate node ID "n2"`},
		{"empty node ID", PlanConfig{Nodes: append(testNodes(3), NodeInfo{})}, "node 3 has an empty ID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Plan(tt.cfg)
			require.ErrorContains(t, err, "plan: "+tt.want)
			require.Nil(t, m)
		})
	}
}
