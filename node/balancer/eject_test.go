package balancer

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// ejectedFor returns how long after the clock's now the backend stays
// ejected, or 0 when it is not ejected.
func (tb *testBalancer) ejectedFor(id string) time.Duration {
	tb.t.Helper()
	b, ok := tb.backends()[id]
	require.True(tb.t, ok, "backend %s listed", id)
	if b.EjectedUntil == nil {
		return 0
	}
	return b.EjectedUntil.Sub(tb.clock.Now())
}

// A connection failure ejects a backend for EjectBase, its request goes to
// another backend, and the ejected one gets nothing until the period ends;
// a second failure in a row doubles the period.
func TestEjectionAfterConnectionFailure(t *testing.T) {
	good := newFakeNode(t, "good")
	dead := closedURL(t)
	tb := startBalancer(t, Config{Backends: []string{good.host(), dead}, CheckInterval: -1,
		EjectBase: 100 * time.Millisecond, EjectMax: time.Second})

	tb.getOK("/v1/kv/k", 2) // round-robin tries both: the dead one's request fails over
	require.Equal(t, 100*time.Millisecond, tb.ejectedFor(dead))
	require.Equal(t, uint64(1), tb.backends()[dead].Failovers)
	require.Equal(t, uint64(1), tb.backends()[good.host()].Retries)

	tb.getOK("/v1/kv/k", 10)
	require.Equal(t, uint64(1), tb.backends()[dead].Requests, "no request reaches an ejected backend")
	require.Equal(t, 12, good.hits())

	tb.clock.advance(100 * time.Millisecond)
	require.Zero(t, tb.ejectedFor(dead), "re-admitted after the period")
	tb.getOK("/v1/kv/k", 2)
	require.Equal(t, uint64(2), tb.backends()[dead].Requests, "the re-admitted backend is tried again")
	require.Equal(t, 200*time.Millisecond, tb.ejectedFor(dead), "a second ejection in a row lasts twice as long")
}

// A 5xx answer ejects a backend; once the period ends it takes requests
// again, and a success resets the back-off to EjectBase.
func TestEjectionAfter5xxAndReadmission(t *testing.T) {
	a, b := newFakeNode(t, "a"), newFakeNode(t, "b")
	a.setHandle(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusInternalServerError) })
	tb := startBalancer(t, Config{Backends: hosts(a, b), CheckInterval: -1,
		EjectBase: 100 * time.Millisecond, EjectMax: time.Second})

	for a.hits() == 0 {
		tb.get("/v1/kv/k")
	}
	require.Equal(t, 100*time.Millisecond, tb.ejectedFor(a.host()))
	require.Equal(t, uint64(1), tb.backends()[a.host()].Errors)
	before := b.hits()
	tb.getOK("/v1/kv/k", 6)
	require.Equal(t, before+6, b.hits(), "the ejected backend gets nothing")
	require.Equal(t, 1, a.hits())

	a.setHandle(nil) // a recovers
	tb.clock.advance(100 * time.Millisecond)
	tb.getOK("/v1/kv/k", 4)
	require.Equal(t, 3, a.hits(), "re-admitted: a takes its turns again")
	require.Zero(t, tb.ejectedFor(a.host()))

	a.setHandle(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadGateway) })
	for tb.ejectedFor(a.host()) == 0 {
		tb.get("/v1/kv/k")
	}
	require.Equal(t, 100*time.Millisecond, tb.ejectedFor(a.host()), "after a success the period starts at EjectBase")
}

// The ejection period doubles up to EjectMax.
func TestEjectionPeriodIsCapped(t *testing.T) {
	b := newBackend("b", nil, SourceStatic)
	now := time.Now()
	var periods []time.Duration
	for range 5 {
		require.True(t, b.eject(now, 100*time.Millisecond, 500*time.Millisecond))
		periods = append(periods, b.ejectedUntil.Sub(now))
		require.False(t, b.eject(now, 100*time.Millisecond, 500*time.Millisecond), "an ejected backend keeps its period")
		now = b.ejectedUntil
	}
	ms := time.Millisecond
	require.Equal(t, []time.Duration{100 * ms, 200 * ms, 400 * ms, 500 * ms, 500 * ms}, periods)
}

// When every backend is ejected, requests still go to them rather than
// failing (Envoy's panic mode).
func TestAllEjectedStillServes(t *testing.T) {
	a, b := newFakeNode(t, "a"), newFakeNode(t, "b")
	fail := func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusInternalServerError) }
	a.setHandle(fail)
	b.setHandle(fail)
	tb := startBalancer(t, Config{Backends: hosts(a, b), CheckInterval: -1, EjectBase: time.Hour, EjectMax: time.Hour})
	tb.get("/v1/kv/k")
	tb.get("/v1/kv/k")
	require.NotZero(t, tb.ejectedFor(a.host()))
	require.NotZero(t, tb.ejectedFor(b.host()))

	a.setHandle(nil)
	b.setHandle(nil)
	tb.getOK("/v1/kv/k", 4)
	require.Equal(t, 3, a.hits())
	require.Equal(t, 3, b.hits())
}
