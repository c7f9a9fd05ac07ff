package main

import (
	"bytes"
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
)

// startCluster starts an in-process cluster of n nodes on loopback ports,
// closed when the test ends.
func startCluster(t *testing.T, n int, dataDir string) *kv.LocalCluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := kv.StartCluster(ctx, kv.ClusterConfig{Nodes: n, Replicas: n, DataDir: dataDir, Raft: kv.LoopbackRaftConfig()})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, c.Close()) })
	return c
}

// testConfig is the balancer in front of static backends only, on a free
// loopback port, with quick checks.
func testConfig(backends []string) config {
	return config{
		httpAddr: "127.0.0.1:0",
		balancer: kv.BalancerConfig{Backends: backends, CheckInterval: 50 * time.Millisecond, Rise: 1, Fall: 1,
			EjectBase: 100 * time.Millisecond, EjectMax: time.Second},
		logLevel: slog.LevelWarn,
	}
}

// start runs the command with cfg until the test ends and returns the base
// URL its banner names.
func start(t *testing.T, cfg config) (*clitest.Running, string) {
	t.Helper()
	running := clitest.Start(t, func(ctx context.Context, out io.Writer) error { return run(ctx, cfg, out) })
	m := regexp.MustCompile(`listening +(http://127\.0\.0\.1:\d+)`).FindStringSubmatch(running.Banner)
	require.NotNil(t, m, "no balancer URL in the banner:\n%s", running.Banner)
	return running, m[1]
}

// do sends one request and returns its status and body.
func do(t *testing.T, method, url string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, data
}

// run serves the data API in front of static backends without a
// controller, prints a banner with the status page and curl examples, and
// stops cleanly when its context ends.
func TestRunForwardsToStaticBackends(t *testing.T) {
	c := startCluster(t, 3, "")
	running, base := start(t, testConfig(c.Endpoints()))
	assert.Regexp(t, `status page +http://localhost:\d+/`, running.Banner)
	assert.Regexp(t, `curl -X PUT localhost:\d+/v1/kv/a -d 1`, running.Banner)
	assert.NotContains(t, running.Banner, "controller ")

	status, body := do(t, http.MethodPut, base+"/v1/kv/greeting", []byte("hello"))
	require.Equal(t, http.StatusOK, status, "%s", body)
	status, body = do(t, http.MethodGet, base+"/v1/kv/greeting", nil)
	require.Equal(t, http.StatusOK, status, "%s", body)
	assert.Equal(t, "hello", string(body))

	st := clitest.GetJSON[kv.BalancerStatus](t, base+"/v1/status")
	assert.Equal(t, 3, st.TotalBackends)
	assert.GreaterOrEqual(t, st.Requests, uint64(2), "the PUT and the GET, and any retry")
	resp, page := clitest.Get(t, base+"/")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(page), "<title>treekv load balancer</title>")
	running.Stop(t)
}

// A listen address that cannot be used fails run with the reason.
func TestRunFailsOnBadListenAddress(t *testing.T) {
	cfg := testConfig([]string{"127.0.0.1:1"})
	cfg.httpAddr = "127.0.0.1:-1"
	err := run(t.Context(), cfg, io.Discard)
	require.ErrorContains(t, err, "listen on 127.0.0.1:-1")
}
