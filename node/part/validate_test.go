package part

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestValidateAcceptsPlannedMaps(t *testing.T) {
	require.NoError(t, rangeMap(t).Validate())
	require.NoError(t, mustPlan(t, PlanConfig{Partitions: 1, Replicas: 1, Nodes: testNodes(1)}).Validate())
}

func TestValidateRejects(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(m *Map)
		want   string
	}{
		{"unknown partitioner", func(m *Map) { m.Partitioner = "zorder" }, `unknown partitioner "zorder"`},
		{"empty partitioner", func(m *Map) { m.Partitioner = "" }, `unknown partitioner ""`},
		{"no partitions", func(m *Map) { m.Partitions = nil }, "no partitions"},
		{"empty node ID", func(m *Map) { m.Nodes[1].ID = "" }, "node 1 has an empty ID"},
		{"duplicate node ID", func(m *Map) { m.Nodes[2].ID = "n1" }, `duplicate node ID "n1"`},
		{"duplicate partition ID", func(m *Map) { m.Partitions[2].ID = 2 }, "duplicate partition ID 2"},
		{"reserved partition ID", func(m *Map) { m.Partitions[3].ID = ReservedID }, "partition ID 18446744073709551615 is reserved"},
		{"no replicas", func(m *Map) { m.Partitions[1].Replicas = nil }, "partition 2 has no replicas"},
		{"unknown replica", func(m *Map) { m.Partitions[3].Replicas[1] = "n9" }, `partition 4 replica "n9" is not a node of the map`},
		{"node twice", func(m *Map) { m.Partitions[0].Replicas[2] = "n1" }, `partition 1 lists node "n1" twice`},
		{"first start not empty", func(m *Map) { m.Partitions[0].Start = b("a") }, `first partition 1 starts at "a"`},
		{"last end not empty", func(m *Map) { m.Partitions[3].End = b("z") }, `last partition 4 ends at "z"`},
		{"gap", func(m *Map) { m.Partitions[1].End = b("k") }, `gap between partitions 2 and 3: end "k" is below next start "m"`},
		{"overlap", func(m *Map) { m.Partitions[2].Start = b("k") }, `partitions 2 and 3 overlap: end "m" is above next start "k"`},
		{"unbounded in the middle", func(m *Map) { m.Partitions[1].End = nil }, "partitions 2 and 3 overlap: 2 is unbounded above"},
		{"empty partition", func(m *Map) { m.Partitions[1].End = b("g") }, `partition 2 is empty: start "g" is not below end "g"`},
		{"unsorted", func(m *Map) {
			m.Partitions[1], m.Partitions[2] = m.Partitions[2], m.Partitions[1]
		}, "gap between partitions 1 and 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := rangeMap(t) // [,g) [g,m) [m,t) [t,) on n1..n3
			tt.mutate(m)
			require.ErrorContains(t, m.Validate(), "partition map: "+tt.want)
		})
	}
	require.ErrorContains(t, (*Map)(nil).Validate(), "nil map")
}
