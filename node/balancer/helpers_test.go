package balancer

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Timings of the tests: polls of state the balancer reaches by itself.
const (
	eventually = 10 * time.Second
	pollEvery  = 5 * time.Millisecond
)

// fakeNode is a storage node stand-in: /readyz answers ready (unless told
// otherwise) and data requests run handle, by default a 200 naming the
// node. It records the headers of every data request.
type fakeNode struct {
	name   string
	srv    *httptest.Server
	ready  atomic.Int32 // the status /readyz answers
	mu     sync.Mutex
	seen   []http.Header
	handle func(w http.ResponseWriter, r *http.Request)
}

func newFakeNode(t *testing.T, name string) *fakeNode {
	f := &fakeNode{name: name}
	f.ready.Store(http.StatusOK)
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeNode) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/readyz" {
		w.WriteHeader(int(f.ready.Load()))
		return
	}
	_, _ = io.Copy(io.Discard, r.Body)
	f.mu.Lock()
	f.seen = append(f.seen, r.Header.Clone())
	handle := f.handle
	f.mu.Unlock()
	if handle != nil {
		handle(w, r)
		return
	}
	_, _ = io.WriteString(w, f.name)
}

// setHandle replaces the handler of data requests.
func (f *fakeNode) setHandle(h func(w http.ResponseWriter, r *http.Request)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.handle = h
}

// hits returns how many data requests the node received.
func (f *fakeNode) hits() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.seen)
}

// headers returns the headers of every data request received.
func (f *fakeNode) headers() []http.Header {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]http.Header(nil), f.seen...)
}

// host is the node's "host:port", which is also its backend ID when given
// as a static backend.
func (f *fakeNode) host() string { return strings.TrimPrefix(f.srv.URL, "http://") }

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// testBalancer is a Balancer on a fake clock behind an httptest server.
type testBalancer struct {
	t     *testing.T
	bal   *Balancer
	srv   *httptest.Server
	clock *fakeClock
}

// startBalancer starts a balancer for cfg; both stop when the test ends.
// Unless cfg says otherwise, retries pause 1ms.
func startBalancer(t *testing.T, cfg Config) *testBalancer {
	t.Helper()
	if cfg.RetryBackoff == 0 {
		cfg.RetryBackoff = time.Millisecond
	}
	clock := newFakeClock()
	bal, err := newBalancer(cfg, clock.Now)
	require.NoError(t, err)
	srv := httptest.NewServer(bal)
	t.Cleanup(srv.Close)
	t.Cleanup(bal.Close) // runs first: the checks end before the fake nodes close
	return &testBalancer{t: t, bal: bal, srv: srv, clock: clock}
}

// hosts returns the fake nodes' "host:port" addresses.
func hosts(nodes ...*fakeNode) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = n.host()
	}
	return out
}

// answer is an HTTP answer with its body read in full.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request to the balancer and reads the whole answer.
func (tb *testBalancer) do(method, path string, body []byte, header http.Header) answer {
	tb.t.Helper()
	req, err := http.NewRequest(method, tb.srv.URL+path, bytes.NewReader(body))
	require.NoError(tb.t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := tb.srv.Client().Do(req)
	require.NoError(tb.t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(tb.t, err)
	return answer{status: resp.StatusCode, header: resp.Header, body: data}
}

func (tb *testBalancer) get(path string) answer { return tb.do(http.MethodGet, path, nil, nil) }

// getOK sends GETs and requires each to answer 200.
func (tb *testBalancer) getOK(path string, n int) {
	tb.t.Helper()
	for range n {
		ans := tb.get(path)
		require.Equal(tb.t, http.StatusOK, ans.status, "%s", ans.body)
	}
}

// backends returns GET /v1/backends by ID.
func (tb *testBalancer) backends() map[string]BackendStatus {
	tb.t.Helper()
	ans := tb.get("/v1/backends")
	require.Equal(tb.t, http.StatusOK, ans.status)
	var list []BackendStatus
	require.NoError(tb.t, json.Unmarshal(ans.body, &list))
	out := map[string]BackendStatus{}
	for _, b := range list {
		out[b.ID] = b
	}
	return out
}

// waitBackend polls GET /v1/backends until cond holds for backend id.
func (tb *testBalancer) waitBackend(id, what string, cond func(b BackendStatus, ok bool) bool) {
	tb.t.Helper()
	require.Eventually(tb.t, func() bool {
		b, ok := tb.backends()[id]
		return cond(b, ok)
	}, eventually, pollEvery, "backend %s: %s", id, what)
}

// requireError checks an error answer's status and JSON code.
func requireError(t *testing.T, ans answer, status int, code string) {
	t.Helper()
	require.Equal(t, status, ans.status, "%s", ans.body)
	require.Contains(t, ans.header.Get("Content-Type"), "application/json")
	var body struct {
		Error struct{ Code, Message string }
	}
	require.NoError(t, json.Unmarshal(ans.body, &body), "%s", ans.body)
	require.Equal(t, code, body.Error.Code, "%s", ans.body)
	require.NotEmpty(t, body.Error.Message)
}

// holdRequests makes the node's data requests to path wait until release
// is closed, and tells on arrived when each one arrives.
func holdRequests(f *fakeNode, path string, arrived chan<- struct{}, release <-chan struct{}) {
	f.setHandle(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == path {
			arrived <- struct{}{}
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
		_, _ = io.WriteString(w, f.name)
	})
}

// closedURL returns the address of a server that no longer listens.
func closedURL(t *testing.T) string {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	return strings.TrimPrefix(srv.URL, "http://")
}
