package part

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzMapJSON decodes arbitrary JSON into a Map. Validate must never panic;
// Locate must never return a partition that does not contain the key's
// position, and on a valid map it must always find one.
func FuzzMapJSON(f *testing.F) {
	for _, m := range []*Map{
		mustPlan(f, PlanConfig{Partitions: 4, Nodes: testNodes(3)}),
		mustPlan(f, PlanConfig{Partitioner: KindRange, SplitKeys: []string{"g", "m"}, Nodes: testNodes(2), Replicas: 2}),
	} {
		data, err := json.Marshal(m)
		require.NoError(f, err)
		f.Add(string(data), "user:42")
		f.Add(string(data), "m")
	}
	f.Add(`{"partitioner":"range","nodes":[{"id":"a"}],"partitions":[{"id":1,"end":"Zw==","replicas":["a"]},{"id":2,"start":"bQ==","replicas":["a"]}]}`, "h")
	f.Add(`{"partitioner":"hash","partitions":[{"id":1}]}`, "")
	f.Add(`null`, "k")
	f.Fuzz(func(t *testing.T, data, key string) {
		var m Map
		if json.Unmarshal([]byte(data), &m) != nil {
			return
		}
		valid := m.Validate() == nil
		p, err := m.Locate(key)
		if valid {
			require.NoError(t, err)
		}
		if err == nil {
			pos, _ := NewPartitioner(m.Partitioner)
			require.True(t, p.Contains(pos.Position(key)), "partition %d does not hold key %q", p.ID, key)
		}
		m.Covering([]byte(key), nil)
		require.Equal(t, &m, m.Clone())
	})
}
