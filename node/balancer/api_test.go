package balancer

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// DELETE /v1/backends/{id} drains: the backend takes no new request, its
// request in flight finishes, and it leaves once idle.
func TestDrainWaitsForRequestsInFlight(t *testing.T) {
	a, b := newFakeNode(t, "a"), newFakeNode(t, "b")
	arrived, release := make(chan struct{}, 1), make(chan struct{})
	holdRequests(a, "/v1/kv/hold", arrived, release)
	holdRequests(b, "/v1/kv/hold", arrived, release)
	tb := startBalancer(t, Config{Backends: hosts(a, b), CheckInterval: -1})

	held := make(chan answer, 1)
	go func() { held <- tb.get("/v1/kv/hold") }()
	<-arrived
	busy, other := a, b
	if b.hits() == 1 {
		busy, other = b, a
	}

	ans := tb.do(http.MethodDelete, "/v1/backends/"+busy.host(), nil, nil)
	require.Equal(t, http.StatusAccepted, ans.status, "%s", ans.body)
	var drained BackendStatus
	require.NoError(t, json.Unmarshal(ans.body, &drained))
	require.True(t, drained.Draining)
	require.Equal(t, int64(1), drained.InFlight)

	tb.getOK("/v1/kv/k", 6)
	require.Equal(t, 6, other.hits(), "a draining backend takes no new request")
	require.Equal(t, 1, busy.hits())
	require.Contains(t, tb.backends(), busy.host(), "it stays while its request is in flight")

	close(release)
	require.Equal(t, http.StatusOK, (<-held).status, "the request in flight finishes")
	tb.waitBackend(busy.host(), "removed once idle", func(_ BackendStatus, ok bool) bool { return !ok })
}

// POST, GET and DELETE /v1/backends with good input: the answers' shapes.
func TestBackendsAPI(t *testing.T) {
	a, b := newFakeNode(t, "a"), newFakeNode(t, "b")
	tb := startBalancer(t, Config{Backends: hosts(a), CheckInterval: -1})

	ans := tb.do(http.MethodPost, "/v1/backends", []byte(`{"id":"node-b","url":"`+b.srv.URL+`"}`), nil)
	require.Equal(t, http.StatusCreated, ans.status, "%s", ans.body)
	var added map[string]any
	require.NoError(t, json.Unmarshal(ans.body, &added))
	for _, field := range []string{"id", "url", "source", "healthy", "draining", "ejected_until", "last_check", "in_flight",
		"requests", "errors", "retries", "failovers", "latency_p50_ms", "latency_p90_ms", "latency_p99_ms"} {
		require.Contains(t, added, field)
	}
	require.Equal(t, "node-b", added["id"])
	require.Equal(t, b.srv.URL, added["url"])
	require.Equal(t, SourceAPI, added["source"])
	require.Equal(t, true, added["healthy"])
	require.Nil(t, added["ejected_until"])

	list := tb.backends()
	require.Len(t, list, 2)
	require.Equal(t, SourceStatic, list[a.host()].Source)
	tb.getOK("/v1/kv/k", 4)
	require.Equal(t, 2, b.hits(), "the added backend takes its share")
	require.Equal(t, uint64(2), tb.backends()["node-b"].Requests)

	one := tb.get("/v1/backends/node-b")
	require.Equal(t, http.StatusOK, one.status)
	ans = tb.do(http.MethodDelete, "/v1/backends/node-b", nil, nil)
	require.Equal(t, http.StatusOK, ans.status, "an idle backend leaves at once: %s", ans.body)
	require.NotContains(t, tb.backends(), "node-b")
	requireError(t, tb.get("/v1/backends/node-b"), http.StatusNotFound, "not_found")

	ans = tb.do(http.MethodPost, "/v1/backends", []byte(`{"url":"`+b.host()+`"}`), nil)
	require.Equal(t, http.StatusCreated, ans.status, "%s", ans.body)
	require.Contains(t, tb.backends(), b.host(), "the ID defaults to host:port")
}

// Bad input to /v1/backends is refused with a JSON error and changes
// nothing.
func TestBackendsAPIBadInput(t *testing.T) {
	a := newFakeNode(t, "a")
	tb := startBalancer(t, Config{Backends: hosts(a), CheckInterval: -1})
	tests := []struct {
		name, body string
		status     int
		code       string
	}{
		{"not JSON", `{`, http.StatusBadRequest, "bad_request"},
		{"unknown field", `{"url":"127.0.0.1:1","weight":2}`, http.StatusBadRequest, "bad_request"},
		{"two objects", `{"url":"127.0.0.1:1"}{}`, http.StatusBadRequest, "bad_request"},
		{"no url", `{"id":"x"}`, http.StatusBadRequest, "bad_request"},
		{"url with a path", `{"url":"http://127.0.0.1:1/v1"}`, http.StatusBadRequest, "bad_request"},
		{"url with another scheme", `{"url":"ftp://127.0.0.1:1"}`, http.StatusBadRequest, "bad_request"},
		{"id with a slash", `{"id":"a/b","url":"127.0.0.1:1"}`, http.StatusBadRequest, "bad_request"},
		{"id too long", `{"id":"` + strings.Repeat("x", 129) + `","url":"127.0.0.1:1"}`, http.StatusBadRequest, "bad_request"},
		{"id taken", `{"id":"` + a.host() + `","url":"127.0.0.1:1"}`, http.StatusConflict, "conflict"},
		{"url taken", `{"id":"again","url":"` + a.srv.URL + `"}`, http.StatusConflict, "conflict"},
		{"body too large", `{"url":"` + strings.Repeat("x", 70<<10) + `"}`, http.StatusRequestEntityTooLarge, "too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			requireError(t, tb.do(http.MethodPost, "/v1/backends", []byte(tt.body), nil), tt.status, tt.code)
			require.Len(t, tb.backends(), 1)
		})
	}
	t.Run("delete unknown", func(t *testing.T) {
		requireError(t, tb.do(http.MethodDelete, "/v1/backends/nope", nil, nil), http.StatusNotFound, "not_found")
	})
	t.Run("unknown route", func(t *testing.T) {
		requireError(t, tb.get("/v1/nothing"), http.StatusNotFound, "not_found")
	})
}

// GET /v1/status sums the backends, and /metrics has the same figures.
func TestStatusAndMetrics(t *testing.T) {
	a, b := newFakeNode(t, "a"), newFakeNode(t, "b")
	tb := startBalancer(t, Config{Backends: hosts(a, b), CheckInterval: -1})
	tb.getOK("/v1/kv/k", 4)

	ans := tb.get("/v1/status")
	require.Equal(t, http.StatusOK, ans.status)
	var s Status
	require.NoError(t, json.Unmarshal(ans.body, &s))
	require.Equal(t, PolicyRoundRobin, s.Policy)
	require.Equal(t, 2, s.TotalBackends)
	require.Equal(t, 2, s.HealthyBackends)
	require.Equal(t, uint64(4), s.Requests)
	require.Len(t, s.Backends, 2)
	require.Positive(t, s.Backends[0].P50)

	metrics := string(tb.get("/metrics").body)
	for _, want := range []string{
		`treekv_balancer_requests_total{backend="` + a.host() + `",code="200"} 2`,
		`treekv_balancer_backend_healthy{backend="` + b.host() + `"} 1`,
		`treekv_balancer_in_flight{backend="` + b.host() + `"} 0`,
		`treekv_balancer_request_duration_seconds_count{backend="` + a.host() + `"} 2`,
	} {
		require.Contains(t, metrics, want)
	}
}
