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

// A replicating node counts the AppendEntries it sends its peers and the
// connections it dials; when its peer goes away, failures climb.
func TestMetricsCountReplicationTraffic(t *testing.T) {
	n1, n2, _ := startPair(t)
	leader, follower := waitPair(t, n1, n2)
	sent := counters(t, leader, "treekv_raftnet_")
	require.Len(t, sent, 3, "appends, failures and dials")
	assert.Positive(t, sent["treekv_raftnet_appends_total"])
	assert.Positive(t, sent["treekv_raftnet_dials_total"])

	require.NoError(t, follower.Close())
	require.Eventually(t, func() bool {
		return counters(t, leader, "treekv_raftnet_")["treekv_raftnet_append_failures_total"] > sent["treekv_raftnet_append_failures_total"]
	}, tcpWait, tcpTick, "appends to a closed peer fail and are counted")
}

// raftLogMetrics reads the shared log's counters from n's registry, as
// /metrics serves them.
func raftLogMetrics(t *testing.T, n *Node) map[string]float64 {
	t.Helper()
	got := counters(t, n, "treekv_raftlog_")
	require.Len(t, got, 3, "writes, commits and syncs")
	return got
}

// counters reads the counters whose names start with prefix from n's
// registry, as /metrics serves them.
func counters(t *testing.T, n *Node, prefix string) map[string]float64 {
	t.Helper()
	families, err := n.metrics.registry.Gather()
	require.NoError(t, err)
	got := map[string]float64{}
	for _, f := range families {
		if strings.HasPrefix(f.GetName(), prefix) {
			got[f.GetName()] = f.GetMetric()[0].GetCounter().GetValue()
		}
	}
	return got
}
