//go:build unix

package faults

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// startupTimeout bounds a node's start, election included.
const startupTimeout = 30 * time.Second

// reserveAddr holds a free loopback port open for a node until its
// process starts, so that no proxy or other listener of the test takes it
// first: close it just before starting the process.
func reserveAddr(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	return ln
}

// httpDo sends one request with its own connection, bounded by timeout.
func httpDo(method, url, body string, timeout time.Duration) (int, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func requireReady(t *testing.T, base string) {
	t.Helper()
	require.Eventually(t, func() bool {
		code, _, err := httpDo("GET", base+"/readyz", "", time.Second)
		return err == nil && code == http.StatusOK
	}, startupTimeout, 20*time.Millisecond, "node at %s never became ready", base)
}

// requireValue polls GET key until it answers want.
func requireValue(t *testing.T, base, key, want string) {
	t.Helper()
	require.Eventually(t, func() bool {
		code, body, err := httpDo("GET", base+"/v1/kv/"+key, "", time.Second)
		return err == nil && code == http.StatusOK && body == want
	}, startupTimeout, 20*time.Millisecond, "GET %s never answered %q", key, want)
}

func TestNodeProcessFaults(t *testing.T) {
	httpLn, raftLn := reserveAddr(t), reserveAddr(t)
	httpAddr, raftAddr := httpLn.Addr().String(), raftLn.Addr().String()
	require.NoError(t, errors.Join(httpLn.Close(), raftLn.Close()))
	base := "http://" + httpAddr
	p, err := StartProcess(t, ProcessConfig{Name: "n1", Binary: BuildNode(t), Args: []string{
		"-id", "n1", "-peers", fmt.Sprintf("n1=%s@%s", httpAddr, raftAddr),
		"-replicas", "1", "-partitions", "1", "-data-dir", t.TempDir(), "-log-level", "debug",
	}})
	require.NoError(t, err)
	requireReady(t, base)

	code, body, err := httpDo("PUT", base+"/v1/kv/k", "v1", startupTimeout)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, code, body)
	requireValue(t, base, "k", "v1")

	require.NoError(t, p.Pause())
	_, _, err = httpDo("GET", base+"/v1/kv/k", "", 300*time.Millisecond)
	require.True(t, errors.Is(err, context.DeadlineExceeded), "a paused node does not answer: %v", err)
	require.NoError(t, p.Resume())
	requireValue(t, base, "k", "v1")

	require.NoError(t, p.Kill())
	require.NoError(t, p.Restart())
	requireReady(t, base)
	requireValue(t, base, "k", "v1")

	ctx, cancel := context.WithTimeout(t.Context(), startupTimeout)
	defer cancel()
	require.NoError(t, p.Stop(ctx), "SIGTERM shuts the node down cleanly")
}
