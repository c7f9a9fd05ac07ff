package kv_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
)

// fastController returns controller settings for tests: quick ticks and
// health thresholds.
func fastController() *kv.ControllerConfig {
	return &kv.ControllerConfig{
		Tick:         50 * time.Millisecond,
		SuspectAfter: 300 * time.Millisecond,
		DownAfter:    800 * time.Millisecond,
		ReplaceAfter: 500 * time.Millisecond,
	}
}

func startControlled(t *testing.T, cfg kv.ClusterConfig) *kv.LocalCluster {
	t.Helper()
	if cfg.Controller == nil {
		cfg.Controller = fastController()
	}
	cfg.HeartbeatInterval = 100 * time.Millisecond
	return startCluster(t, cfg)
}

func TestControllerPlansTheMap(t *testing.T) {
	c := startControlled(t, kv.ClusterConfig{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client, err := c.NewClient()
	require.NoError(t, err)
	_, err = client.Put(ctx, "a", []byte("1"))
	require.NoError(t, err)
	view, err := c.Controller().View(ctx)
	require.NoError(t, err)
	require.Len(t, view.Nodes, 3)
	require.Len(t, view.Partitions, 8)
	t.Logf("%+v", view.Nodes)
}
