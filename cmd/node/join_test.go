package main

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
)

// startController starts a controller on free loopback ports that places
// 2 partitions of 1 replica once a node joins.
func startController(t *testing.T) *kv.Cluster {
	t.Helper()
	ctl, err := kv.NewCluster(kv.ControllerConfig{ID: "c1", Partitions: 2, Replicas: 1,
		Tick: 50 * time.Millisecond, Raft: kv.LoopbackRaftConfig()})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, ctl.Close()) })
	return ctl
}

// TestRunJoinsController runs a node with -join and checks that the
// controller admits it, gives it the partitions, and that it serves them;
// then that canceling the context (as SIGINT does) stops it cleanly.
func TestRunJoinsController(t *testing.T) {
	ctl := startController(t)
	cfg := config{id: "n1", httpAddr: "127.0.0.1:0", raftAddr: "127.0.0.1:0", join: ctl.URL(), logLevel: slog.LevelWarn,
		raft: kv.LoopbackRaftConfig(), heartbeatInterval: 100 * time.Millisecond}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- run(ctx, cfg) }()

	var view kv.ClusterView
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		var err error
		view, err = ctl.View(t.Context())
		require.NoError(c, err)
		require.Len(c, view.Nodes, 1)
		assert.Equal(c, "up", view.Nodes[0].Health)
		require.Len(c, view.Partitions, 2)
		for _, p := range view.Partitions {
			assert.Equal(c, "n1", p.Leader, "partition %d", p.ID)
		}
	}, time.Minute, 20*time.Millisecond, "n1 joined and leading both partitions")

	client, err := kv.NewClient(kv.ClientConfig{Endpoints: []string{view.Nodes[0].HTTPAddr}})
	require.NoError(t, err)
	defer client.Close()
	_, err = client.Put(t.Context(), "a", []byte("1"))
	require.NoError(t, err)

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(time.Minute):
		t.Fatal("run did not return after its context was canceled")
	}
}
