package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/cmd/internal/clitest"
)

func TestRunServesTheUIUntilStopped(t *testing.T) {
	c := startCluster(t, 1)
	cfg := config{httpAddr: "127.0.0.1:0", endpoints: c.Endpoints(), logLevel: slog.LevelError}
	r := clitest.Start(t, func(ctx context.Context, out io.Writer) error { return run(ctx, cfg, out) })
	m := regexp.MustCompile(`treekv client UI: (http://\S+)/`).FindStringSubmatch(r.Banner)
	require.Len(t, m, 2, "the banner tells where the UI is: %s", r.Banner)
	assert.Contains(t, r.Banner, c.Endpoints()[0])

	resp, body := clitest.Get(t, m[1]+"/")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), "<title>treekv client</title>")
	require.Equal(t, http.StatusOK, put(t, m[1], "via-run", "yes"))
	status, got := get(t, m[1], "via-run")
	require.Equal(t, http.StatusOK, status, got)
	assert.Equal(t, "yes", got["text"])

	r.Stop(t)
}

func TestRunFailsOnABadListenAddress(t *testing.T) {
	cfg := config{httpAddr: "127.0.0.1:-1", endpoints: []string{"balancer.test:8081"}}
	err := run(t.Context(), cfg, io.Discard)
	require.ErrorContains(t, err, "listen on 127.0.0.1:-1")
}
