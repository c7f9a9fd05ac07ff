package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
	"github.com/treekv/kv/cmd/internal/clitest"
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
	t.Cleanup(bal.Close)
	return backend, bal, clitest.ServeTCP(t, bal)
}

// sendRaw sends method url as is (the path neither cleaned nor re-encoded,
// no redirect followed) and returns the status and body.
func sendRaw(t *testing.T, method, url string, body []byte) (int, []byte) {
	t.Helper()
	resp, data := clitest.SendRaw(t, method, url, body, nil)
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
	clitest.RequireStalledHeaders(t, bal, "PUT /v1/kv/a HTTP/1.1\r\nHost: treekv\r\nContent-Length: 3\r\n", "/healthz", `"status":"ok"`)
}
