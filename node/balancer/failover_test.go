package balancer

import (
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/node"
)

// answerError returns a fake node behaviour: answer the API's JSON error
// with code.
func answerError(code string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		node.WriteError(w, node.Errorf(node.CodeError(code), "fake %s", code))
	}
}

// dropConnection is a fake node behaviour: take the whole request, then
// close the connection without answering. The request arrived; its outcome
// is unknown.
func dropConnection(w http.ResponseWriter, r *http.Request) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

// idempotencyKeys returns the Idempotency-Key of every data request a
// node received.
func idempotencyKeys(nodes ...*fakeNode) []string {
	var keys []string
	for _, n := range nodes {
		for _, h := range n.headers() {
			keys = append(keys, h.Get(node.HeaderIdempotencyKey))
		}
	}
	return keys
}

// requireOneKey checks that every attempt carried the same key, and
// returns it.
func requireOneKey(t *testing.T, keys []string) string {
	t.Helper()
	require.NotEmpty(t, keys)
	for _, k := range keys {
		require.Equal(t, keys[0], k, "every attempt carries the same Idempotency-Key")
	}
	return keys[0]
}

// A write without an Idempotency-Key gets a random 128-bit one, and every
// retry of it carries the same key, whether the first attempt was refused
// or was received and its connection dropped.
func TestWriteRetriedUnderOneIdempotencyKey(t *testing.T) {
	tests := []struct {
		name  string
		first func(http.ResponseWriter, *http.Request)
	}{
		{"refused as unavailable", answerError(node.CodeUnavailable)},
		{"answered indeterminate", answerError(node.CodeIndeterminate)},
		{"connection dropped after sending", dropConnection},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad, good := newFakeNode(t, "bad"), newFakeNode(t, "good")
			bad.setHandle(tt.first)
			tb := startBalancer(t, Config{Backends: hosts(bad, good), CheckInterval: -1})
			for bad.hits() == 0 {
				ans := tb.do(http.MethodPut, "/v1/kv/k", []byte("v"), nil)
				require.Equal(t, http.StatusOK, ans.status, "%s", ans.body)
			}
			retried := good.headers()
			require.Len(t, bad.headers(), 1)
			key := requireOneKey(t, idempotencyKeys(bad)) // the request's first attempt
			require.Equal(t, key, retried[len(retried)-1].Get(node.HeaderIdempotencyKey), "its retry")
			raw, err := hex.DecodeString(key)
			require.NoError(t, err)
			require.Len(t, raw, 16, "128 random bits")
		})
	}
}

// A client's own Idempotency-Key is kept.
func TestClientIdempotencyKeyKept(t *testing.T) {
	bad, good := newFakeNode(t, "bad"), newFakeNode(t, "good")
	bad.setHandle(dropConnection)
	tb := startBalancer(t, Config{Backends: hosts(bad, good), CheckInterval: -1})
	for bad.hits() == 0 {
		ans := tb.do(http.MethodDelete, "/v1/kv/k", nil, http.Header{node.HeaderIdempotencyKey: {"client-key"}})
		require.Equal(t, http.StatusOK, ans.status, "%s", ans.body)
	}
	require.Equal(t, "client-key", requireOneKey(t, idempotencyKeys(bad, good)))
	bad.setHandle(nil)
	writes := []int{bad.hits(), good.hits()}
	tb.getOK("/v1/kv/k", 2)
	for i, n := range []*fakeNode{bad, good} {
		for _, h := range n.headers()[writes[i]:] {
			require.Empty(t, h.Get(node.HeaderIdempotencyKey), "reads carry no key")
		}
	}
}

// failureCase is a request whose every attempt fails as behave makes it.
type failureCase struct {
	name        string
	method      string
	behave      func(http.ResponseWriter, *http.Request) // nil: the backends do not listen
	status      int
	code        string
	keyInAnswer bool // the answer names the Idempotency-Key to retry with
}

// answerStatus is a fake node behaviour: answer status with no body.
func answerStatus(status int) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(status) }
}

// A request no backend delivered is answered indeterminate when a write
// may have applied, and unavailable, with Retry-After, when it certainly
// did not; either way after the first attempt and MaxRetries retries (reads
// run here with their RetryBudget off; retry_budget_test.go covers it).
func TestFailureAnswers(t *testing.T) {
	for _, tt := range []failureCase{
		{"write whose connection drops", http.MethodPut, dropConnection, 503, "indeterminate", true},
		{"write answered indeterminate", http.MethodPost, answerError(node.CodeIndeterminate), 503, "indeterminate", true},
		{"write timed out", http.MethodPut, answerStatus(http.StatusGatewayTimeout), 504, "indeterminate", true},
		{"write refused everywhere", http.MethodPut, answerError(node.CodeUnavailable), 503, "unavailable", false},
		{"write to no listener", http.MethodDelete, nil, 503, "unavailable", false},
		{"read whose connection drops", http.MethodGet, dropConnection, 503, "unavailable", false},
		{"read answered 502", http.MethodGet, answerStatus(http.StatusBadGateway), 503, "unavailable", false},
	} {
		t.Run(tt.name, func(t *testing.T) { runFailureCase(t, tt) })
	}
}

func runFailureCase(t *testing.T, tt failureCase) {
	backends := []string{closedURL(t), closedURL(t)}
	var nodes []*fakeNode
	if tt.behave != nil {
		nodes = []*fakeNode{newFakeNode(t, "a"), newFakeNode(t, "b")}
		nodes[0].setHandle(tt.behave)
		nodes[1].setHandle(tt.behave)
		backends = hosts(nodes...)
	}
	tb := startBalancer(t, Config{Backends: backends, CheckInterval: -1, RetryBudget: -1})
	path := "/v1/kv/k"
	if tt.method == http.MethodPost {
		path = "/v1/txn"
	}
	ans := tb.do(tt.method, path, []byte("{}"), nil)
	requireError(t, ans, tt.status, tt.code)
	require.Equal(t, "1", ans.header.Get("Retry-After"))
	if tt.keyInAnswer {
		require.Equal(t, requireOneKey(t, idempotencyKeys(nodes...)), ans.header.Get(node.HeaderIdempotencyKey))
	}
	var attempts uint64
	for _, b := range tb.backends() {
		attempts += b.Requests
	}
	require.Equal(t, uint64(3), attempts, "the first attempt and MaxRetries (2) retries")
}

// Every request carries a request ID to the node and back (the client's
// when it sent one), and X-Forwarded-For; a client's node hop count is
// dropped.
func TestForwardedHeaders(t *testing.T) {
	a := newFakeNode(t, "a")
	tb := startBalancer(t, Config{Backends: hosts(a), CheckInterval: -1})

	ans := tb.do(http.MethodGet, "/v1/kv/k", nil, http.Header{HeaderRequestID: {"req-1"}, node.HeaderForwarded: {"3"}})
	require.Equal(t, "req-1", ans.header.Get(HeaderRequestID))
	ans = tb.get("/v1/kv/k")
	generated := ans.header.Get(HeaderRequestID)
	require.Len(t, generated, 16)

	seen := a.headers()
	require.Equal(t, "req-1", seen[0].Get(HeaderRequestID))
	require.Equal(t, generated, seen[1].Get(HeaderRequestID))
	require.Equal(t, "127.0.0.1", seen[0].Get("X-Forwarded-For"))
	require.Empty(t, seen[0].Get(node.HeaderForwarded))
}

// Keys holding "/" and escapes reach the node as sent, query included.
func TestForwardKeepsEscapedPath(t *testing.T) {
	a := newFakeNode(t, "a")
	a.setHandle(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.URL.EscapedPath()+"?"+r.URL.RawQuery)
	})
	tb := startBalancer(t, Config{Backends: hosts(a), CheckInterval: -1})
	ans := tb.get("/v1/kv/a%2Fb%25c?consistency=stale")
	require.Equal(t, "/v1/kv/a%2Fb%25c?consistency=stale", string(ans.body))
}

// A body over MaxBodySize is refused with 413 and never forwarded.
func TestBodyTooLarge(t *testing.T) {
	a := newFakeNode(t, "a")
	tb := startBalancer(t, Config{Backends: hosts(a), CheckInterval: -1, MaxBodySize: 1024})
	requireError(t, tb.do(http.MethodPut, "/v1/kv/k", []byte(strings.Repeat("x", 1025)), nil),
		http.StatusRequestEntityTooLarge, "too_large")
	require.Zero(t, a.hits())
	ans := tb.do(http.MethodPut, "/v1/kv/k", []byte(strings.Repeat("x", 1024)), nil)
	require.Equal(t, http.StatusOK, ans.status)
}
