package balancer

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// gatedReady is a backend whose /readyz answers only when the test says
// what to answer, one check at a time, so the test can count checks.
type gatedReady struct {
	srv     *httptest.Server
	arrived chan struct{} // a check arrived
	answers chan int      // the status the waiting check answers
}

func newGatedReady(t *testing.T) *gatedReady {
	g := &gatedReady{arrived: make(chan struct{}), answers: make(chan int)}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case g.arrived <- struct{}{}:
		case <-r.Context().Done():
			return
		}
		select {
		case status := <-g.answers:
			w.WriteHeader(status)
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(g.srv.Close)
	return g
}

func (g *gatedReady) host() string { return strings.TrimPrefix(g.srv.URL, "http://") }

// A new backend is healthy until its first check fails; then it turns
// healthy after Rise consecutive successful checks and unhealthy after
// Fall consecutive failed ones; a check that breaks a streak starts the
// count again.
func TestRiseAndFall(t *testing.T) {
	const ok, fail = http.StatusOK, http.StatusServiceUnavailable
	tests := []struct {
		name    string
		answers []int
		healthy []bool // after each check
	}{
		{"a new backend falls at its first failure", []int{fail}, []bool{false}},
		{"a new backend stays up after a success", []int{ok, ok}, []bool{true, true}},
		{"falls after three failures", []int{ok, fail, fail, fail}, []bool{true, true, true, false}},
		{"a success breaks the fall", []int{ok, fail, fail, ok, fail, fail, fail}, []bool{true, true, true, true, true, true, false}},
		{"rises after two successes", []int{fail, ok, ok}, []bool{false, false, true}},
		{"a failure breaks the rise", []int{fail, ok, fail, ok, ok}, []bool{false, false, false, false, true}},
		{"any status but 200 fails", []int{ok, http.StatusInternalServerError, http.StatusNotFound, http.StatusNoContent}, []bool{true, true, true, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGatedReady(t)
			tb := startBalancer(t, Config{Backends: []string{g.host()}, Rise: 2, Fall: 3,
				CheckInterval: time.Millisecond, CheckTimeout: time.Minute})
			require.True(t, tb.backends()[g.host()].Healthy, "a new backend starts healthy")
			<-g.arrived
			for i, status := range tt.answers {
				g.answers <- status
				<-g.arrived // the next check began: the previous one was counted
				require.Equal(t, tt.healthy[i], tb.backends()[g.host()].Healthy, "after check %d (%d)", i+1, status)
			}
		})
	}
}

// /readyz of the balancer answers 200 while a backend is healthy and 503
// once none is; requests then still go to the unhealthy backends (panic
// mode), and fail as unavailable only when there is no backend at all.
func TestBalancerReadiness(t *testing.T) {
	a := newFakeNode(t, "a")
	tb := startBalancer(t, Config{Backends: hosts(a), CheckInterval: 5 * time.Millisecond, Fall: 1, Rise: 1})
	require.Equal(t, http.StatusOK, tb.get("/readyz").status)
	require.Equal(t, http.StatusOK, tb.get("/healthz").status)

	a.ready.Store(http.StatusServiceUnavailable)
	require.Eventually(t, func() bool { return tb.get("/readyz").status == http.StatusServiceUnavailable },
		eventually, pollEvery)
	requireError(t, tb.get("/readyz"), http.StatusServiceUnavailable, "unavailable")
	tb.getOK("/v1/kv/k", 1)
	require.Equal(t, 1, a.hits(), "with no healthy backend, the unhealthy ones serve")

	require.Equal(t, http.StatusOK, tb.do(http.MethodDelete, "/v1/backends/"+a.host(), nil, nil).status)
	requireError(t, tb.get("/v1/kv/k"), http.StatusServiceUnavailable, "unavailable")
	require.Equal(t, http.StatusOK, tb.get("/healthz").status, "the balancer itself is alive")
}
