package main

import (
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
	"github.com/treekv/kv/node"
	"github.com/treekv/kv/node/part"
)

// startNode starts a node on free loopback ports, with Raft timings that
// elect leaders in a fraction of a second.
func startNode(t *testing.T, id, dataDir string) *node.Node {
	t.Helper()
	fastRaft := node.RaftConfig{
		HeartbeatTimeout:   100 * time.Millisecond,
		ElectionTimeout:    100 * time.Millisecond,
		LeaderLeaseTimeout: 50 * time.Millisecond,
		CommitTimeout:      5 * time.Millisecond,
	}
	n, err := node.New(node.Config{ID: id, DataDir: dataDir, Raft: fastRaft})
	require.NoError(t, err)
	t.Cleanup(func() { _ = n.Close() })
	return n
}

func allReady(nodes ...*node.Node) bool {
	for _, n := range nodes {
		for _, s := range n.Replicas() {
			if rep, ok := n.Replica(s.Partition); !ok || !rep.Ready() {
				return false
			}
		}
	}
	return true
}

// TestEnsureMapFormsCluster gives three fresh nodes the same peer list, as
// three processes started with the same -peers would get, and checks that
// they agree on the map, host the replicas it places, and serve data.
func TestEnsureMapFormsCluster(t *testing.T) {
	nodes := []*node.Node{startNode(t, "n1", ""), startNode(t, "n2", ""), startNode(t, "n3", "")}
	peers := []part.NodeInfo{nodes[0].Info(), nodes[1].Info(), nodes[2].Info()}
	cfg := config{peers: peers, partitioner: part.KindHash, partitions: 6, replicas: 2}
	for _, n := range nodes {
		require.NoError(t, ensureMap(n, cfg, slog.New(slog.DiscardHandler)))
	}

	want, err := part.Plan(cfg.planConfig())
	require.NoError(t, err)
	for _, n := range nodes {
		assert.Equal(t, want, n.Map(), "map of %s", n.ID())
		assert.Len(t, n.Replicas(), 4, "6 partitions x 2 replicas over 3 nodes puts 4 on %s", n.ID())
	}
	require.Eventually(t, func() bool { return allReady(nodes...) }, 10*time.Second, 10*time.Millisecond)

	writer, err := kv.NewClient(kv.ClientConfig{Endpoints: []string{nodes[0].HTTPAddr()}})
	require.NoError(t, err)
	defer writer.Close()
	reader, err := kv.NewClient(kv.ClientConfig{Endpoints: []string{nodes[2].HTTPAddr()}})
	require.NoError(t, err)
	defer reader.Close()
	for _, key := range []string{"a", "b", "c", "d", "e", "f"} {
		_, err := writer.Put(t.Context(), key, []byte("v-"+key))
		require.NoError(t, err)
		v, err := reader.Get(t.Context(), key)
		require.NoError(t, err)
		assert.Equal(t, "v-"+key, string(v.Data))
	}
}

// TestEnsureMapKeepsSavedMap restarts a node on its data directory with
// other flags and checks that it resumes its saved map and replicas.
func TestEnsureMapKeepsSavedMap(t *testing.T) {
	dir := t.TempDir()
	n := startNode(t, "n1", dir)
	cfg := config{peers: []part.NodeInfo{n.Info()}, partitioner: part.KindHash, partitions: 8, replicas: 1}
	require.NoError(t, ensureMap(n, cfg, slog.New(slog.DiscardHandler)))
	first := n.Map()
	require.NoError(t, n.Close())

	again := startNode(t, "n1", dir)
	cfg.partitions = 4
	cfg.peers = []part.NodeInfo{again.Info()}
	require.NoError(t, ensureMap(again, cfg, slog.New(slog.DiscardHandler)))
	assert.Equal(t, first, again.Map())
	assert.Len(t, again.Replicas(), 8)
}

func TestEnsureMapErrors(t *testing.T) {
	n := startNode(t, "n1", "")
	tests := []struct {
		name    string
		cfg     config
		message string
	}{
		{"no map and no peers", config{}, "give -peers to plan one"},
		{"more replicas than peers", config{peers: []part.NodeInfo{n.Info()}, replicas: 3}, "3 replicas need at least 3 nodes"},
		{"unknown partitioner", config{peers: []part.NodeInfo{n.Info()}, partitioner: "zigzag", replicas: 1}, "zigzag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ensureMap(n, tt.cfg, slog.New(slog.DiscardHandler))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.message)
			assert.Nil(t, n.Map(), "a failed plan installs no map")
		})
	}
}
