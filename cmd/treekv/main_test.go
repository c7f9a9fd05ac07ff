package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
	"github.com/treekv/kv/cmd/internal/clitest"
	"github.com/treekv/kv/cmd/internal/local"
)

// TestRunServesUntilCanceled starts the all-in-one system on free ports,
// uses the controller, the nodes, the balancer and the client UI the banner
// names, and checks that canceling the context (as SIGINT does) stops it
// cleanly.
func TestRunServesUntilCanceled(t *testing.T) {
	cfg := config{system: local.Config{Host: "127.0.0.1", Nodes: 3, Partitions: 4, Replicas: 3,
		HeartbeatInterval: 100 * time.Millisecond, Raft: kv.LoopbackRaftConfig()}, logLevel: slog.LevelWarn}
	running := clitest.Start(t, func(ctx context.Context, out io.Writer) error { return run(ctx, cfg, out) })

	banner := running.Banner
	assert.Contains(t, banner, "controller c1 and 3 nodes, 4 partitions of 3 replicas, data in memory")
	urls := regexp.MustCompile(`node n\d+ +(http://127\.0\.0\.1:\d+)`).FindAllStringSubmatch(banner, -1)
	require.Len(t, urls, 3, banner)
	ctl := regexp.MustCompile(`controller c1 +(http://127\.0\.0\.1:\d+)`).FindStringSubmatch(banner)
	require.NotNil(t, ctl, banner)
	assert.Regexp(t, `dashboard +http://localhost:\d+/`, banner)
	bal := regexp.MustCompile(`balancer +(http://localhost:\d+)/ +\(status page`).FindStringSubmatch(banner)
	require.NotNil(t, bal, banner)
	ui := regexp.MustCompile(`client UI +(http://localhost:\d+)/`).FindStringSubmatch(banner)
	require.NotNil(t, ui, banner)
	assert.Contains(t, banner, "curl -X PUT "+strings.TrimPrefix(bal[1], "http://")+"/v1/kv/a -d 1",
		"the banner tries the data API through the balancer")

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
	assertFronts(t, bal[1], ui[1])
	running.Stop(t)
}

// assertFronts checks that a write through the balancer at bal reads back
// through the client UI at ui, and the other way round, and that both serve
// their page at "/".
func assertFronts(t *testing.T, bal, ui string) {
	t.Helper()
	status, body := send(t, http.MethodPut, bal+"/v1/kv/via-balancer", "2", nil)
	require.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, `"revision":`)
	status, body = send(t, http.MethodGet, ui+"/api/kv/via-balancer", "", nil)
	require.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, `"text":"2"`)

	status, body = send(t, http.MethodPut, ui+"/api/kv/via-ui", `{"value":"3"}`, http.Header{"X-Requested-With": {"treekv-ui"}})
	require.Equal(t, http.StatusOK, status, body)
	status, body = send(t, http.MethodGet, bal+"/v1/kv/via-ui", "", nil)
	require.Equal(t, http.StatusOK, status, body)
	assert.Equal(t, "3", body)

	status, body = send(t, http.MethodPut, ui+"/api/kv/unguarded", `{"value":"4"}`, nil)
	assert.Equal(t, http.StatusForbidden, status, "the UI refuses a write without its header: %s", body)
	assertPage(t, bal+"/", "<title>")
	assertPage(t, ui+"/", "<title>treekv client</title>")
}

// assertDashboard checks that base serves the dashboard page.
func assertDashboard(t *testing.T, base string) {
	t.Helper()
	assertPage(t, base+"/", "<title>")
}

// assertPage checks that url serves an HTML page containing want.
func assertPage(t *testing.T, url, want string) {
	t.Helper()
	resp, body := clitest.Get(t, url)
	assert.Contains(t, string(body), want)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
}

// send sends one request with body and header and returns the answer's
// status and body.
func send(t *testing.T, method, url, body string, header http.Header) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	require.NoError(t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(raw)
}
