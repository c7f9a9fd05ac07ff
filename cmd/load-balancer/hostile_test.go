package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
	"github.com/treekv/kv/cmd/internal/cli"
	"github.com/treekv/kv/node"
)

// recordingBackend is a storage node stand-in that answers every request
// 200 and records the target and body of each.
type recordingBackend struct {
	srv  *httptest.Server
	mu   sync.Mutex
	seen []string // "METHOD target body"
}

func newRecordingBackend(t *testing.T) *recordingBackend {
	b := &recordingBackend{}
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.URL.Path != "/readyz" {
			b.mu.Lock()
			b.seen = append(b.seen, r.Method+" "+r.RequestURI+" "+string(body))
			b.mu.Unlock()
		}
		node.WriteJSON(w, http.StatusOK, node.PutResponse{Revision: 1})
	}))
	t.Cleanup(b.srv.Close)
	return b
}

func (b *recordingBackend) requests() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.seen...)
}

// hostileMaxBody is the balancer's body limit in these tests.
const hostileMaxBody = 4 << 10

// startHostileBalancer serves a balancer over one recording backend on the
// server run serves it on (cli.NewServer), over loopback TCP.
func startHostileBalancer(t *testing.T) (*recordingBackend, *kv.Balancer, string) {
	t.Helper()
	backend := newRecordingBackend(t)
	bal, err := kv.NewBalancer(kv.BalancerConfig{Backends: []string{backend.srv.URL}, MaxBodySize: hostileMaxBody})
	require.NoError(t, err)
	srv := httptest.NewUnstartedServer(bal)
	srv.Config = cli.NewServer(bal, slog.New(slog.DiscardHandler))
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		bal.Close()
	})
	return backend, bal, srv.URL
}

// sendRaw sends method url as is (the path neither cleaned nor re-encoded,
// no redirect followed) and returns the status and body.
func sendRaw(t *testing.T, method, url string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, bytes.NewReader(body))
	require.NoError(t, err)
	resp, err := http.DefaultTransport.RoundTrip(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, data
}

// Bodies over the limit are refused with 413 before any backend sees them,
// for the data API and the balancer's own API alike.
func TestHostileBalancerOversizedBodies(t *testing.T) {
	backend, bal, base := startHostileBalancer(t)
	tests := []struct {
		name, method, path string
		size               int
	}{
		{"value", http.MethodPut, "/v1/kv/big", hostileMaxBody + 1},
		{"transaction", http.MethodPost, "/v1/txn", 4 * hostileMaxBody},
		{"backend", http.MethodPost, "/v1/backends", 1 << 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := sendRaw(t, tt.method, base+tt.path, bytes.Repeat([]byte("x"), tt.size))
			require.Equal(t, http.StatusRequestEntityTooLarge, status, "%s", body)
			var eb node.ErrorBody
			require.NoError(t, json.Unmarshal(body, &eb))
			require.Equal(t, node.CodeTooLarge, eb.Error.Code)
			require.Empty(t, backend.requests(), "no backend saw it")
			require.Len(t, bal.Status().Backends, 1, "the backends are as they were")
		})
	}
}

// Keys holding "../", raw or percent-encoded, and keys that are not valid
// UTF-8 reach the node exactly as the client escaped them (the node reads
// the first as literal keys and refuses the others); the balancer neither
// cleans nor re-encodes them.
func TestHostileBalancerKeysForwardedVerbatim(t *testing.T) {
	backend, _, base := startHostileBalancer(t)
	for _, target := range []string{
		"/v1/kv/..%2F..%2Fetc%2Fpasswd", "/v1/kv/../keep/a", "/v1/kv/%2e%2e/%2E%2E",
		"/v1/kv/bad%FF", "/v1/kv/%C3%28?if_revision=0",
	} {
		t.Run(target, func(t *testing.T) {
			before := len(backend.requests())
			status, body := sendRaw(t, http.MethodPut, base+target, []byte("v"))
			require.Equal(t, http.StatusOK, status, "%s", body)
			require.Equal(t, []string{"PUT " + target + " v"}, backend.requests()[before:])
		})
	}
}

// Clients that send part of a request header and stall do not block other
// clients, and the server closes their connections once its
// ReadHeaderTimeout passes. It runs in a synctest bubble over in-memory
// connections, so the timeout passes in fake time.
func TestHostileBalancerStalledHeaders(t *testing.T) {
	_, bal, _ := startHostileBalancer(t)
	synctest.Test(t, func(t *testing.T) {
		srv := cli.NewServer(bal, slog.New(slog.DiscardHandler))
		ln := newPipeListener()
		go func() { _ = srv.Serve(ln) }()
		defer srv.Close()
		start := time.Now()
		stalled := make([]net.Conn, 8)
		for i := range stalled {
			stalled[i] = ln.dial()
			_, err := io.WriteString(stalled[i], "PUT /v1/kv/a HTTP/1.1\r\nHost: treekv\r\nContent-Length: 3\r\n")
			require.NoError(t, err)
		}
		requireHealthy(t, ln.dial())
		for _, conn := range stalled {
			_, err := io.ReadAll(conn) // until the server closes it
			require.NoError(t, err)
			require.NoError(t, conn.Close())
		}
		waited := time.Since(start)
		require.GreaterOrEqual(t, waited, srv.ReadHeaderTimeout)
		require.Less(t, waited, srv.ReadHeaderTimeout+time.Second, "the stalled connections were closed late")
	})
}

// requireHealthy asks for /healthz on conn and checks the answer.
func requireHealthy(t *testing.T, conn net.Conn) {
	t.Helper()
	defer conn.Close()
	_, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: treekv\r\nConnection: close\r\n\r\n")
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

// pipeListener is a net.Listener of in-memory connections (net.Pipe), which
// a synctest bubble can wait on.
type pipeListener struct {
	conns  chan net.Conn
	closed chan struct{}
	once   sync.Once
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), closed: make(chan struct{})}
}

// dial connects a new client to the listener.
func (l *pipeListener) dial() net.Conn {
	client, server := net.Pipe()
	l.conns <- server
	return client
}

// Accept returns the next connection dialed, or net.ErrClosed.
func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

// Close stops Accept.
func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

// Addr names the listener.
func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }
