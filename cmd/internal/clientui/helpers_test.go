package clientui

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
)

// clusterStartTimeout bounds starting a test cluster, generous for the race
// detector on two cores.
const clusterStartTimeout = time.Minute

// startCluster starts an in-process cluster of nodes nodes with fast Raft
// timings, its data in dataDir ("" for memory), and closes it when t ends.
func startCluster(t *testing.T, nodes int, dataDir string) *kv.LocalCluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), clusterStartTimeout)
	defer cancel()
	c, err := kv.StartCluster(ctx, kv.ClusterConfig{
		Nodes: nodes, Replicas: min(nodes, 3), Partitions: 4, DataDir: dataDir,
		Raft: kv.LoopbackRaftConfig(),
	})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, c.Close()) })
	return c
}

// startUI serves the UI over endpoints and returns its base URL.
func startUI(t *testing.T, endpoints []string) string {
	t.Helper()
	s, err := New(Config{Endpoints: endpoints})
	require.NoError(t, err)
	srv := httptest.NewServer(s)
	t.Cleanup(func() {
		srv.Close()
		s.Close()
	})
	return srv.URL
}

// answer is a decoded JSON answer of the UI's endpoints.
type answer struct {
	Status int
	Header http.Header
	Body   map[string]any
}

// errorCode is the error code of a failed answer.
func (a answer) errorCode() string {
	e, _ := a.Body["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

// uiHeaders are the headers the page sends on a mutating request.
func uiHeaders() http.Header {
	return http.Header{"X-Requested-With": {"treekv-ui"}}
}

// send sends one request to the UI and decodes its JSON answer.
func send(t *testing.T, method, url string, body any, header http.Header) answer {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, url, rd)
	require.NoError(t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json"),
		"%s %s answered %q: %s", method, url, resp.Header.Get("Content-Type"), raw)
	a := answer{Status: resp.StatusCode, Header: resp.Header}
	require.NoError(t, json.Unmarshal(raw, &a.Body), "%s %s: %s", method, url, raw)
	return a
}

// put sets key to value through the UI, as the page does.
func put(t *testing.T, base, key, value string) answer {
	t.Helper()
	return send(t, http.MethodPut, base+"/api/kv/"+escape(key), map[string]any{"value": value}, uiHeaders())
}

// get reads key through the UI.
func get(t *testing.T, base, key string) answer {
	t.Helper()
	return send(t, http.MethodGet, base+"/api/kv/"+escape(key), nil, nil)
}

// escape percent-encodes a key, "/" included, as the page does.
func escape(key string) string { return url.PathEscape(key) }
