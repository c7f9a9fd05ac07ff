package balancer

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Requests spread evenly over the healthy backends, in exact counts, and
// an unhealthy backend gets none.
func TestRoundRobinSpreadsEvenly(t *testing.T) {
	for _, policy := range []string{PolicyRoundRobin, PolicyLeastOutstanding, PolicyLeaderAware} {
		t.Run(policy, func(t *testing.T) {
			healthy := []*fakeNode{newFakeNode(t, "a"), newFakeNode(t, "b"), newFakeNode(t, "c")}
			sick := newFakeNode(t, "sick")
			sick.ready.Store(http.StatusServiceUnavailable)
			tb := startBalancer(t, Config{
				Backends: hosts(append(healthy, sick)...), Policy: policy,
				CheckInterval: 20 * time.Millisecond, Fall: 1,
			})
			tb.waitBackend(sick.host(), "unhealthy", func(b BackendStatus, _ bool) bool { return !b.Healthy })

			tb.getOK("/v1/kv/some-key", 30)
			for _, n := range healthy {
				require.Equal(t, 10, n.hits(), "backend %s", n.name)
			}
			require.Zero(t, sick.hits(), "the unhealthy backend")
		})
	}
}

// With one request held open on a backend, the next requests all go to
// the idle one.
func TestLeastOutstandingPrefersIdle(t *testing.T) {
	a, b := newFakeNode(t, "a"), newFakeNode(t, "b")
	arrived, release := make(chan struct{}, 1), make(chan struct{})
	holdRequests(a, "/v1/kv/hold", arrived, release)
	holdRequests(b, "/v1/kv/hold", arrived, release)
	tb := startBalancer(t, Config{Backends: hosts(a, b), Policy: PolicyLeastOutstanding, CheckInterval: -1})

	held := make(chan answer, 1)
	go func() { held <- tb.get("/v1/kv/hold") }()
	<-arrived
	busy, idle := a, b
	if b.hits() == 1 {
		busy, idle = b, a
	}
	tb.getOK("/v1/kv/other", 5)
	require.Equal(t, 5, idle.hits(), "the idle backend takes every request")
	require.Equal(t, 1, busy.hits(), "the busy backend has only the held request")
	close(release)
	require.Equal(t, http.StatusOK, (<-held).status)
}
