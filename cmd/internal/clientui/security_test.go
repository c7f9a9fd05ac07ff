package clientui

import (
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMutationsFromOtherSitesAreRefused(t *testing.T) {
	base := startUI(t, startCluster(t, 1, "").Endpoints())
	require.Equal(t, http.StatusOK, put(t, base, "guarded", "original").Status)
	foreign := func(extra ...string) http.Header {
		h := uiHeaders()
		for i := 0; i < len(extra); i += 2 {
			h.Set(extra[i], extra[i+1])
		}
		return h
	}
	tests := []struct {
		name   string
		header http.Header
	}{
		{"without the custom header", http.Header{}},
		{"with the custom header set to another value", http.Header{"X-Requested-With": {"XMLHttpRequest"}}},
		{"from a foreign Origin", foreign("Origin", "https://evil.example")},
		{"marked cross-site by the browser", foreign("Sec-Fetch-Site", "cross-site")},
		{"marked same-site but not same-origin", foreign("Sec-Fetch-Site", "same-site")},
		{"from the null origin", foreign("Origin", "null")},
	}
	for _, tt := range tests {
		for _, method := range []string{http.MethodPut, http.MethodDelete} {
			t.Run(method+" "+tt.name, func(t *testing.T) {
				a := send(t, method, base+"/api/kv/guarded", map[string]any{"value": "changed"}, tt.header)
				assert.Equal(t, http.StatusForbidden, a.Status, a.Body)
				assert.Equal(t, "forbidden", a.errorCode())
				assert.Equal(t, "original", get(t, base, "guarded").Body["text"], "the key did not change")
			})
		}
	}
}

func TestMutationsFromThePageAreAccepted(t *testing.T) {
	base := startUI(t, startCluster(t, 1, "").Endpoints())
	tests := []struct {
		name   string
		header http.Header
	}{
		{"the custom header alone (a program)", uiHeaders()},
		{"the page's own origin", http.Header{"X-Requested-With": {"treekv-ui"}, "Origin": {base}}},
		{"marked same-origin by the browser", http.Header{"X-Requested-With": {"treekv-ui"}, "Sec-Fetch-Site": {"same-origin"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := send(t, http.MethodPut, base+"/api/kv/k", map[string]any{"value": tt.name}, tt.header)
			require.Equal(t, http.StatusOK, a.Status, a.Body)
			assert.Equal(t, tt.name, get(t, base, "k").Body["text"])
		})
	}
}

func TestSecurityHeadersOnEveryAnswer(t *testing.T) {
	base := startUI(t, startCluster(t, 1, "").Endpoints())
	for _, path := range []string{"/", "/app.js", "/style.css", "/api/health", "/api/kv/absent", "/api/nope", "/nope"} {
		t.Run(path, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, base+path, nil)
			require.NoError(t, err)
			resp, err := http.DefaultTransport.RoundTrip(req)
			require.NoError(t, err)
			require.NoError(t, resp.Body.Close())
			csp := resp.Header.Get("Content-Security-Policy")
			assert.Contains(t, csp, "default-src 'self'")
			assert.Contains(t, csp, "frame-ancestors 'none'")
			assert.NotContains(t, csp, "unsafe-inline")
			assert.NotContains(t, csp, "unsafe-eval")
			assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
			assert.Equal(t, "no-referrer", resp.Header.Get("Referrer-Policy"))
		})
	}
}

func TestHealthReportsEachEndpoint(t *testing.T) {
	c := startCluster(t, 1, "")
	dead := closedAddr(t)
	base := startUI(t, []string{c.Endpoints()[0], dead})

	a := send(t, http.MethodGet, base+"/api/health", nil, nil)
	require.Equal(t, http.StatusOK, a.Status, a.Body)
	eps := a.Body["endpoints"].([]any)
	require.Len(t, eps, 2)
	up, down := eps[0].(map[string]any), eps[1].(map[string]any)
	assert.Equal(t, "ready", up["state"])
	assert.Equal(t, true, up["reachable"])
	assert.Equal(t, dead, down["endpoint"])
	assert.Equal(t, "unreachable", down["state"])
	assert.Equal(t, false, down["reachable"])
	assert.True(t, strings.Contains(down["error"].(string), "refused"), down["error"])
}

// closedAddr is a loopback address on which nothing listens any more.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}
