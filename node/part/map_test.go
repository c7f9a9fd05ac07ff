package part

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// testNodes returns n nodes with IDs n1..nN.
func testNodes(n int) []NodeInfo {
	nodes := make([]NodeInfo, n)
	for i := range nodes {
		nodes[i] = NodeInfo{
			ID:       fmt.Sprintf("n%d", i+1),
			HTTPAddr: fmt.Sprintf("127.0.0.1:%d", 9001+i),
			RaftAddr: fmt.Sprintf("127.0.0.1:%d", 9101+i),
		}
	}
	return nodes
}

func mustPlan(t testing.TB, cfg PlanConfig) *Map {
	t.Helper()
	m, err := Plan(cfg)
	require.NoError(t, err)
	return m
}

func rangeMap(t testing.TB) *Map {
	return mustPlan(t, PlanConfig{Partitioner: KindRange, SplitKeys: []string{"g", "m", "t"}, Nodes: testNodes(3)})
}

func TestLocateRange(t *testing.T) {
	m := rangeMap(t)
	tests := []struct {
		key  string
		want uint64
	}{
		{"", 1},
		{"a", 1},
		{"f\xff\xff", 1},
		{"g", 2}, // a split key starts its partition
		{"g\x00", 2},
		{"lzzz", 2},
		{"m", 3},
		{"t", 4},
		{"zzzz", 4},
		{"\xff\xff", 4},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			p, err := m.Locate(tt.key)
			require.NoError(t, err)
			require.Equal(t, tt.want, p.ID)
			require.True(t, p.Contains([]byte(tt.key)))
		})
	}
}

func TestLocateHashKeysLandInContainingPartition(t *testing.T) {
	m := mustPlan(t, PlanConfig{Nodes: testNodes(3)})
	seen := map[uint64]int{}
	for i := range 1000 {
		key := fmt.Sprintf("key-%d", i)
		p, err := m.Locate(key)
		require.NoError(t, err)
		require.True(t, p.Contains(HashPartitioner{}.Position(key)), "key %q", key)
		seen[p.ID]++
	}
	require.Len(t, seen, 8, "1000 keys reach every one of 8 partitions")
}

func TestLocateHashBoundaries(t *testing.T) {
	m := mustPlan(t, PlanConfig{Partitions: 4, Replicas: 1, Nodes: testNodes(1)})
	pos := func(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }
	tests := []struct {
		name string
		pos  []byte
		want uint64
	}{
		{"lowest position", pos(0), 1},
		{"just below first boundary", pos(1<<62 - 1), 1},
		{"at first boundary", pos(1 << 62), 2},
		{"at middle boundary", pos(1 << 63), 3},
		{"just below last boundary", pos(3<<62 - 1), 3},
		{"at last boundary", pos(3 << 62), 4},
		{"highest position", pos(1<<64 - 1), 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ok := m.locate(tt.pos)
			require.True(t, ok)
			require.Equal(t, tt.want, p.ID)
		})
	}
}

func TestLocateTagKeysShareAPartition(t *testing.T) {
	m := mustPlan(t, PlanConfig{Partitions: 64, Nodes: testNodes(3)})
	for i := range 20 {
		tag := fmt.Sprintf("user%d", i)
		first, err := m.Locate("{" + tag + "}.name")
		require.NoError(t, err)
		for _, suffix := range []string{".mail", ".cart", ":settings"} {
			p, err := m.Locate("{" + tag + "}" + suffix)
			require.NoError(t, err)
			require.Equal(t, first.ID, p.ID, "tag %q", tag)
		}
	}
}

func TestLocateErrors(t *testing.T) {
	broken := rangeMap(t)
	broken.Partitions = broken.Partitions[1:] // keys below "g" are nowhere
	tests := []struct {
		name string
		m    *Map
		want string
	}{
		{"nil map", nil, "no partitions"},
		{"empty map", &Map{Partitioner: KindHash}, "no partitions"},
		{"unknown partitioner", &Map{Partitioner: "x", Partitions: []Partition{{}}}, `unknown partitioner "x"`},
		{"uncovered key", broken, `no partition holds key "a"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.m.Locate("a")
			require.ErrorContains(t, err, tt.want)
		})
	}
}

func TestCoveringRangeReadsOnlyOverlapping(t *testing.T) {
	m := rangeMap(t) // [,g) [g,m) [m,t) [t,)
	tests := []struct {
		name, start, end string
		want             []uint64
	}{
		{"everything", "", "", []uint64{1, 2, 3, 4}},
		{"inside one", "h", "k", []uint64{2}},
		{"ends at a split key", "a", "g", []uint64{1}},
		{"starts at a split key", "g", "h", []uint64{2}},
		{"spans two", "k", "n", []uint64{2, 3}},
		{"unbounded from n", "n", "", []uint64{3, 4}},
		{"empty interval", "k", "k", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, ids(m.Covering(b(tt.start), b(tt.end))))
		})
	}
}

func TestCoveringHashReadsAll(t *testing.T) {
	m := mustPlan(t, PlanConfig{Partitions: 4, Nodes: testNodes(3)})
	require.Equal(t, []uint64{1, 2, 3, 4}, ids(m.Covering(b("h"), b("k"))))
	require.Equal(t, []uint64{1, 2, 3, 4}, ids(m.Covering(nil, nil)))
	require.Empty(t, m.Covering(b("k"), b("k")))
}

func ids(parts []Partition) []uint64 {
	var out []uint64
	for _, p := range parts {
		out = append(out, p.ID)
	}
	return out
}

func TestPartitionAndNodeLookup(t *testing.T) {
	m := mustPlan(t, PlanConfig{Partitions: 4, Nodes: testNodes(3)})
	p, ok := m.Partition(3)
	require.True(t, ok)
	require.Equal(t, uint64(3), p.ID)
	_, ok = m.Partition(5)
	require.False(t, ok)

	n, ok := m.Node("n2")
	require.True(t, ok)
	require.Equal(t, "127.0.0.1:9002", n.HTTPAddr)
	_, ok = m.Node("n9")
	require.False(t, ok)
}

func TestCloneIsDeep(t *testing.T) {
	m := mustPlan(t, PlanConfig{Partitions: 4, Nodes: testNodes(3)})
	c := m.Clone()
	require.Equal(t, m, c)

	c.Nodes[0].ID = "changed"
	c.Partitions[1].Replicas[0] = "changed"
	c.Partitions[1].Start[0] ^= 0xff
	c.Partitions[1].End[0] ^= 0xff
	c.Partitions = append(c.Partitions[:1], c.Partitions[2:]...)

	require.Equal(t, mustPlan(t, PlanConfig{Partitions: 4, Nodes: testNodes(3)}), m)
	require.Nil(t, (*Map)(nil).Clone())
}

func TestMapJSONRoundTrip(t *testing.T) {
	for _, m := range []*Map{rangeMap(t), mustPlan(t, PlanConfig{Nodes: testNodes(4)})} {
		t.Run(m.Partitioner, func(t *testing.T) {
			data, err := json.Marshal(m)
			require.NoError(t, err)
			var got Map
			require.NoError(t, json.Unmarshal(data, &got))
			require.Equal(t, m, &got)
			require.NoError(t, got.Validate())
		})
	}
}

func TestMapJSONFieldNames(t *testing.T) {
	m := rangeMap(t)
	data, err := json.Marshal(m.Partitions[1])
	require.NoError(t, err)
	require.JSONEq(t, `{"id":2,"start":"Zw==","end":"bQ==","epoch":1,"replicas":["n2","n3","n1"]}`, string(data))
	data, err = json.Marshal(m.Nodes[0])
	require.NoError(t, err)
	require.JSONEq(t, `{"id":"n1","http_addr":"127.0.0.1:9001","raft_addr":"127.0.0.1:9101"}`, string(data))
}
