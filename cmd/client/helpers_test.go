package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
)

// clusterStartTimeout bounds starting a test cluster, generous for the race
// detector on two cores.
const clusterStartTimeout = time.Minute

// startCluster starts an in-process cluster of nodes nodes with fast Raft
// timings, in memory, and closes it when t ends.
func startCluster(t *testing.T, nodes int) *kv.LocalCluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), clusterStartTimeout)
	defer cancel()
	c, err := kv.StartCluster(ctx, kv.ClusterConfig{
		Nodes: nodes, Replicas: min(nodes, 3), Partitions: 4,
		Raft: kv.LoopbackRaftConfig(),
	})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, c.Close()) })
	return c
}

// send sends one request to the UI and decodes its JSON answer into a map.
func send(t *testing.T, method, url string, body any, header http.Header) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, url, rd)
	require.NoError(t, err)
	req.Header = header
	resp, err := http.DefaultTransport.RoundTrip(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var ans map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&ans))
	return resp.StatusCode, ans
}

// put sets key to value through the UI at base, as the page does.
func put(t *testing.T, base, key, value string) int {
	t.Helper()
	status, _ := send(t, http.MethodPut, base+"/api/kv/"+url.PathEscape(key), map[string]any{"value": value},
		http.Header{"X-Requested-With": {"treekv-ui"}})
	return status
}

// get reads key's text through the UI at base.
func get(t *testing.T, base, key string) (int, map[string]any) {
	t.Helper()
	return send(t, http.MethodGet, base+"/api/kv/"+url.PathEscape(key), nil, http.Header{})
}
