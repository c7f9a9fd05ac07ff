package main

import (
	"context"
	"io"
	"log/slog"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
	"github.com/treekv/kv/cmd/internal/clitest"
	"github.com/treekv/kv/cmd/internal/local"
	"github.com/treekv/kv/node"
)

// testConfig is a controller with the given embedded nodes on free
// loopback ports, with quick ticks, health thresholds and Raft timings.
func testConfig(nodes int, dataDir string) config {
	return config{
		system: local.Config{
			Host: "127.0.0.1", Nodes: nodes, Partitions: 8, Replicas: 3, DataDir: dataDir,
			Controller: kv.ControllerConfig{ID: "c1", HTTPAddr: "127.0.0.1:0", RaftAddr: "127.0.0.1:0",
				Tick: 50 * time.Millisecond, SuspectAfter: 300 * time.Millisecond, DownAfter: 800 * time.Millisecond,
				ReplaceAfter: 30 * time.Second},
			HeartbeatInterval: 100 * time.Millisecond,
			Raft:              kv.LoopbackRaftConfig(),
		},
		logLevel: slog.LevelWarn,
	}
}

// start runs the command with cfg until the test ends and returns the base
// URL of the controller its banner names.
func start(t *testing.T, cfg config) (*clitest.Running, string) {
	t.Helper()
	running := clitest.Start(t, func(ctx context.Context, out io.Writer) error { return run(ctx, cfg, out) })
	m := regexp.MustCompile(`controller c\d +(http://127\.0\.0\.1:\d+)`).FindStringSubmatch(running.Banner)
	require.NotNil(t, m, "no controller URL in the banner:\n%s", running.Banner)
	return running, m[1]
}

// TestRunAloneTakesJoiningNodes runs a controller without nodes, joins a
// storage node to it as cmd/node -join does, and checks that the node gets
// the partitions and serves them.
func TestRunAloneTakesJoiningNodes(t *testing.T) {
	cfg := testConfig(0, "")
	cfg.system.Partitions, cfg.system.Replicas = 2, 1
	running, base := start(t, cfg)
	assert.Contains(t, running.Banner, "no storage nodes in this process, data in memory")
	assert.Contains(t, running.Banner, "it places 2 partitions of 1 replicas once 1 have joined")
	assert.Regexp(t, `go run ./cmd/node -id n1 .* -join http://localhost:\d+`, running.Banner)

	n, err := node.New(node.Config{ID: "n1", Controller: base, HeartbeatInterval: 100 * time.Millisecond, Raft: kv.LoopbackRaftConfig()})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, n.Close()) })
	view := clitest.WaitHealthy(t, base, 1, 2)
	assert.False(t, view.Local, "the node runs elsewhere")

	client, err := kv.NewClient(kv.ClientConfig{Endpoints: []string{n.HTTPAddr()}})
	require.NoError(t, err)
	defer client.Close()
	_, err = client.Put(t.Context(), "a", []byte("1"))
	require.NoError(t, err)
}

// TestRunJoinsControllerGroup runs a second controller with -join and
// checks that it becomes a member of the first one's group and forwards
// API calls to its leader.
func TestRunJoinsControllerGroup(t *testing.T) {
	_, first := start(t, testConfig(0, ""))
	cfg := testConfig(0, "")
	cfg.system.Controller.ID, cfg.system.Controller.Join = "c2", first
	running, second := start(t, cfg)
	assert.Contains(t, running.Banner, "controller c2 is running (joining the controller group of "+first+")")
	assert.Contains(t, running.Banner, "Storage nodes may join through any controller of the group")

	require.EventuallyWithT(t, func(c *assert.CollectT) {
		view := clitest.GetJSON[kv.ClusterView](c, second+"/v1/cluster")
		assert.Equal(c, "c1", view.Leader)
		assert.Len(c, view.Controllers, 2)
	}, clitest.HealthyTimeout, 20*time.Millisecond, "c2 in the group, answering through the leader c1")
}
