package kv

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// arrivals records when a scripted server received each request.
type arrivals struct {
	mu    sync.Mutex
	times []time.Time
}

func (a *arrivals) wrap(f *fakeServer) {
	serve := f.Config.Handler
	f.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		a.times = append(a.times, time.Now())
		a.mu.Unlock()
		serve.ServeHTTP(w, r)
	})
}

// gaps returns the time between consecutive arrivals.
func (a *arrivals) gaps() []time.Duration {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []time.Duration
	for i := 1; i < len(a.times); i++ {
		out = append(out, a.times[i].Sub(a.times[i-1]))
	}
	return out
}

// scriptedServer is a fakeServer that also records arrival times.
func scriptedServer(t *testing.T, replies ...fakeReply) (*fakeServer, *arrivals) {
	t.Helper()
	srv := newFakeServer(t, replies...)
	a := &arrivals{}
	a.wrap(srv)
	return srv, a
}

func scriptedClient(t *testing.T, cfg ClientConfig) *Client {
	t.Helper()
	c, err := NewClient(cfg)
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c
}

// With the jitter pinned to its ceiling, the pauses between attempts are at
// least BaseBackoff, then twice, then four times that: the backoff grows.
func TestRetryScriptedBackoffGrows(t *testing.T) {
	unavailable := apiError(503, "unavailable")
	srv, arrived := scriptedServer(t, unavailable, unavailable, unavailable, ok(writeAnswer))
	c := scriptedClient(t, ClientConfig{Endpoints: []string{srv.URL}, BaseBackoff: 20 * time.Millisecond})
	c.jitter = func(ceiling time.Duration) time.Duration { return ceiling }

	require.NoError(t, putCall(t.Context(), c))
	gaps := arrived.gaps()
	require.Len(t, gaps, 3)
	for i, floor := range []time.Duration{20 * time.Millisecond, 40 * time.Millisecond, 80 * time.Millisecond} {
		require.GreaterOrEqual(t, gaps[i], floor, "pause before retry %d", i+1)
	}
}

// A Retry-After of one second is honoured when MaxBackoff allows it, even
// though the drawn backoff is tiny.
func TestRetryScriptedHonoursRetryAfter(t *testing.T) {
	busy := apiError(503, "unavailable")
	busy.header = map[string]string{"Retry-After": "1"}
	srv, arrived := scriptedServer(t, busy, ok(writeAnswer))
	c := scriptedClient(t, ClientConfig{Endpoints: []string{srv.URL},
		BaseBackoff: time.Millisecond, MaxBackoff: 2 * time.Second})

	require.NoError(t, putCall(t.Context(), c))
	gaps := arrived.gaps()
	require.Len(t, gaps, 1)
	require.GreaterOrEqual(t, gaps[0], time.Second)
}

// Every attempt of one write, on whichever endpoint, carries the same
// Idempotency-Key; the next write has another.
func TestRetryScriptedResendsTheIdempotencyKeyAcrossEndpoints(t *testing.T) {
	a := newFakeServer(t, apiError(504, "indeterminate"))
	b := newFakeServer(t, fakeReply{hangup: true}, ok(writeAnswer))
	c := newFakeClient(t, 6, a.URL, b.URL)

	require.NoError(t, putCall(t.Context(), c)) // a: indeterminate, b: hangs up, a: indeterminate, b: ok
	keys := append(idempotencyKeys(a.requests()), idempotencyKeys(b.requests())...)
	require.Len(t, keys, 4)
	for _, k := range keys {
		require.Equal(t, keys[0], k)
	}
	require.NoError(t, putCall(t.Context(), c))
	later := append(idempotencyKeys(a.requests()), idempotencyKeys(b.requests())...)
	require.NotContains(t, keys, later[len(later)-1])
}

func TestRetryScriptedContextBoundsTheCall(t *testing.T) {
	forever := apiError(503, "unavailable")
	forever.header = map[string]string{"Retry-After": "3600"}
	tests := []struct {
		name  string
		reply fakeReply
		cfg   ClientConfig
	}{
		{"many quick retries", apiError(503, "unavailable"),
			ClientConfig{MaxAttempts: 1 << 20, BaseBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}},
		{"a Retry-After longer than the deadline", forever,
			ClientConfig{MaxAttempts: 3, MaxBackoff: 2 * time.Hour}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeServer(t, tt.reply)
			tt.cfg.Endpoints = []string{srv.URL}
			c := scriptedClient(t, tt.cfg)
			ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
			defer cancel()

			err := putCall(ctx, c)
			require.ErrorIs(t, err, context.DeadlineExceeded)
			require.NotEmpty(t, srv.requests())
			require.Less(t, len(srv.requests()), tt.cfg.MaxAttempts, "the deadline ended the call, not the attempts")
		})
	}
}

func TestCallInfoReportsAttemptsEndpointAndNode(t *testing.T) {
	value := fakeReply{status: 200, body: "v", header: map[string]string{"X-Kv-Revision": "4", "X-Kv-Node": "n2"}}
	busy := apiError(503, "unavailable")
	busy.header = map[string]string{"X-Kv-Node": "n1"}
	missing := apiError(404, "not_found")
	missing.header = map[string]string{"X-Kv-Node": "n3"}
	tests := []struct {
		name    string
		replies [2][]fakeReply // of endpoints a and b
		want    func(a, b string) CallInfo
	}{
		{"first attempt answers", [2][]fakeReply{{value}, {value}},
			func(a, _ string) CallInfo { return CallInfo{Attempts: 1, Endpoint: a, Node: "n2"} }},
		{"the second endpoint answers", [2][]fakeReply{{busy}, {value}},
			func(_, b string) CallInfo { return CallInfo{Attempts: 2, Retries: 1, Endpoint: b, Node: "n2"} }},
		{"a final error answer", [2][]fakeReply{{missing}, {value}},
			func(a, _ string) CallInfo { return CallInfo{Attempts: 1, Endpoint: a, Node: "n3"} }},
		{"every attempt fails", [2][]fakeReply{{busy}, {busy}},
			func(_, b string) CallInfo { return CallInfo{Attempts: 4, Retries: 3, Endpoint: b, Node: "n1"} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := newFakeServer(t, tt.replies[0]...), newFakeServer(t, tt.replies[1]...)
			c := newFakeClient(t, 4, a.URL, b.URL)
			info := CallInfo{Attempts: 99, Node: "stale"} // a call starts from a clean record
			_, _ = c.Get(WithCallInfo(t.Context(), &info), "k")
			require.Equal(t, tt.want(a.URL, b.URL), info)
		})
	}
}

func TestCallInfoIsOptionalAndStaysZeroWithoutAttempts(t *testing.T) {
	srv := newFakeServer(t, ok(writeAnswer))
	c := newFakeClient(t, 1, srv.URL)
	require.NoError(t, putCall(t.Context(), c), "a context without CallInfo")

	var info CallInfo
	_, err := c.Get(WithCallInfo(t.Context(), &info), "")
	require.ErrorIs(t, err, ErrBadRequest)
	require.Equal(t, CallInfo{}, info, "input refused before sending")
}
