package node

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treekv/kv/node/part"
)

// A node whose replicas share a Raft log on disk reports the log's writes,
// group commits and fsyncs, which grow with every write.
func TestMetricsCountTheSharedRaftLog(t *testing.T) {
	n, err := New(Config{ID: "n1", Raft: tcpRaftConfig(), DataDir: t.TempDir()})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, n.Close()) })
	m, err := part.Plan(part.PlanConfig{Partitions: 1, Replicas: 1, Nodes: []part.NodeInfo{n.Info()}})
	require.NoError(t, err)
	require.NoError(t, n.SetMap(m))
	require.NoError(t, n.CreateReplica(1, true))
	require.Eventually(t, func() bool { rep, _ := n.Replica(1); return rep.Ready() }, tcpWait, tcpTick)

	before := raftLogMetrics(t, n)
	rec := httptest.NewRecorder()
	n.handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPut, "/v1/kv/k", nil))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	after := raftLogMetrics(t, n)
	for name := range after {
		assert.Greater(t, after[name], before[name], "%s grows with a write", name)
	}
	assert.GreaterOrEqual(t, after["treekv_raftlog_writes_total"], after["treekv_raftlog_commits_total"])
}

// raftLogMetrics reads the shared log's counters from n's registry, as
// /metrics serves them.
func raftLogMetrics(t *testing.T, n *Node) map[string]float64 {
	t.Helper()
	families, err := n.metrics.registry.Gather()
	require.NoError(t, err)
	got := map[string]float64{}
	for _, f := range families {
		if strings.HasPrefix(f.GetName(), "treekv_raftlog_") {
			got[f.GetName()] = f.GetMetric()[0].GetCounter().GetValue()
		}
	}
	require.Len(t, got, 3, "writes, commits and syncs")
	return got
}
