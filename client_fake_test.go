package kv

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fakeReply is one scripted answer of a fakeServer.
type fakeReply struct {
	status int
	header map[string]string
	body   string
	hangup bool // close the connection after reading the request, without answering
}

// fakeRequest is what a fakeServer saw of one request.
type fakeRequest struct {
	method string
	path   string // escaped, as sent
	query  url.Values
	header http.Header
	body   []byte
}

// fakeServer is an HTTP server on 127.0.0.1:0 that records every request and
// answers the n-th with the n-th reply of its script (the last one repeats).
type fakeServer struct {
	*httptest.Server
	mu      sync.Mutex
	seen    []fakeRequest
	replies []fakeReply
}

func newFakeServer(t *testing.T, replies ...fakeReply) *fakeServer {
	t.Helper()
	f := &fakeServer{replies: replies}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeServer) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.seen = append(f.seen, fakeRequest{r.Method, r.URL.EscapedPath(), r.URL.Query(), r.Header.Clone(), body})
	reply := f.replies[min(len(f.seen), len(f.replies))-1]
	f.mu.Unlock()
	if reply.hangup {
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			_ = conn.Close()
		}
		return
	}
	for k, v := range reply.header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(reply.status)
	_, _ = io.WriteString(w, reply.body)
}

func (f *fakeServer) requests() []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeRequest(nil), f.seen...)
}

// ok is a 200 answer with a JSON body.
func ok(body string) fakeReply { return fakeReply{status: http.StatusOK, body: body} }

// apiError is an error answer with the API's JSON error body.
func apiError(status int, code string) fakeReply {
	return fakeReply{status: status, body: `{"error":{"code":"` + code + `","message":"scripted ` + code + `"}}`}
}

// newFakeClient returns a client of urls with tiny backoffs.
func newFakeClient(t *testing.T, maxAttempts int, urls ...string) *Client {
	t.Helper()
	c, err := NewClient(ClientConfig{Endpoints: urls, MaxAttempts: maxAttempts,
		BaseBackoff: time.Microsecond, MaxBackoff: time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c
}

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
