package balancer

import (
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/node"
)

// failFirst returns a fake node behaviour shared by several nodes: the
// first n data requests, over all of them, answer with fail; the rest
// answer 200 "ok".
func failFirst(n int64, fail func(http.ResponseWriter, *http.Request)) func(http.ResponseWriter, *http.Request) {
	var seen atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) {
		if seen.Add(1) <= n {
			fail(w, r)
			return
		}
		_, _ = io.WriteString(w, "ok")
	}
}

// attempts sums the attempts every backend took.
func (tb *testBalancer) attempts() uint64 {
	var n uint64
	for _, b := range tb.backends() {
		n += b.Requests
	}
	return n
}

// A read that keeps failing with a transport error, 502 or 503 (as during
// a leader election) is retried past MaxRetries, within its RetryBudget,
// until a backend serves it.
func TestReadRetriedWithinBudget(t *testing.T) {
	tests := []struct {
		name   string
		method string
		fail   func(http.ResponseWriter, *http.Request)
	}{
		{"GET answered unavailable", http.MethodGet, answerError(node.CodeUnavailable)},
		{"GET answered 502", http.MethodGet, answerStatus(http.StatusBadGateway)},
		{"GET whose connection drops", http.MethodGet, dropConnection},
		{"HEAD answered unavailable", http.MethodHead, answerError(node.CodeUnavailable)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := newFakeNode(t, "a"), newFakeNode(t, "b")
			behave := failFirst(10, tt.fail)
			a.setHandle(behave)
			b.setHandle(behave)
			tb := startBalancer(t, Config{Backends: hosts(a, b), CheckInterval: -1, RetryBudget: time.Minute})
			ans := tb.do(tt.method, "/v1/kv/k", nil, nil)
			require.Equal(t, http.StatusOK, ans.status, "%s", ans.body)
			require.Equal(t, uint64(11), tb.attempts(), "10 failed attempts, then the one served")
		})
	}
}

// A read whose every attempt fails is answered unavailable once its
// RetryBudget is spent, after more attempts than MaxRetries allows alone.
func TestReadFailsOnceBudgetSpent(t *testing.T) {
	a := newFakeNode(t, "a")
	a.setHandle(answerError(node.CodeUnavailable))
	tb := startBalancer(t, Config{Backends: hosts(a), CheckInterval: -1, MaxRetries: 1,
		RetryBudget: 300 * time.Millisecond})
	requireError(t, tb.get("/v1/kv/k"), http.StatusServiceUnavailable, "unavailable")
	require.Greater(t, tb.attempts(), uint64(2), "retried past MaxRetries")
}

// Writes are retried MaxRetries times whatever the RetryBudget.
func TestWriteIgnoresRetryBudget(t *testing.T) {
	a, b := newFakeNode(t, "a"), newFakeNode(t, "b")
	behave := failFirst(10, answerError(node.CodeUnavailable))
	a.setHandle(behave)
	b.setHandle(behave)
	tb := startBalancer(t, Config{Backends: hosts(a, b), CheckInterval: -1, RetryBudget: time.Minute})
	requireError(t, tb.do(http.MethodPut, "/v1/kv/k", []byte("v"), nil), http.StatusServiceUnavailable, "unavailable")
	require.Equal(t, uint64(3), tb.attempts(), "the first attempt and MaxRetries (2) retries")
}
