package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
	"github.com/treekv/kv/cmd/internal/clitest"
	"github.com/treekv/kv/cmd/internal/local"
)

// TestRunServesUntilCanceled starts the all-in-one system on free ports,
// uses the controller and the nodes the banner names, and checks that
// canceling the context (as SIGINT does) stops it cleanly.
func TestRunServesUntilCanceled(t *testing.T) {
	cfg := config{system: local.Config{Host: "127.0.0.1", Nodes: 3, Partitions: 4, Replicas: 3,
		HeartbeatInterval: 100 * time.Millisecond, Raft: kv.RaftConfig{
			HeartbeatTimeout: 200 * time.Millisecond, ElectionTimeout: 200 * time.Millisecond,
			LeaderLeaseTimeout: 100 * time.Millisecond,
		}}, logLevel: slog.LevelWarn}
	running := clitest.Start(t, func(ctx context.Context, out io.Writer) error { return run(ctx, cfg, out) })

	banner := running.Banner
	assert.Contains(t, banner, "controller c1 and 3 nodes, 4 partitions of 3 replicas, data in memory")
	urls := regexp.MustCompile(`node n\d+ +(http://127\.0\.0\.1:\d+)`).FindAllStringSubmatch(banner, -1)
	require.Len(t, urls, 3, banner)
	ctl := regexp.MustCompile(`controller c1 +(http://127\.0\.0\.1:\d+)`).FindStringSubmatch(banner)
	require.NotNil(t, ctl, banner)
	assert.Regexp(t, `dashboard +http://localhost:\d+/`, banner)

	client, err := kv.NewClient(kv.ClientConfig{Endpoints: []string{urls[0][1]}})
	require.NoError(t, err)
	defer client.Close()
	_, err = client.Put(t.Context(), "a", []byte("1"))
	require.NoError(t, err)
	reader, err := kv.NewClient(kv.ClientConfig{Endpoints: []string{urls[2][1]}})
	require.NoError(t, err)
	defer reader.Close()
	v, err := reader.Get(t.Context(), "a")
	require.NoError(t, err)
	assert.Equal(t, "1", string(v.Data))

	view := clitest.WaitHealthy(t, ctl[1], 3, 4)
	assert.True(t, view.Local, "the controller runs the nodes in process")
	assertDashboard(t, ctl[1])
	running.Stop(t)
}

// assertDashboard checks that base serves the dashboard page.
func assertDashboard(t *testing.T, base string) {
	t.Helper()
	resp, body := clitest.Get(t, base+"/")
	assert.Contains(t, string(body), "<title>")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
}
