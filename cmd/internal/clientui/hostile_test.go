package clientui

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/cmd/internal/clitest"
)

// startHostileUI serves the UI over a fake node on the server cmd/client
// runs it on (cli.NewServer), over loopback TCP.
func startHostileUI(t *testing.T) (*fakeNode, string) {
	t.Helper()
	fake := newFakeNode(t)
	s, err := New(Config{Endpoints: []string{fake.srv.URL}})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return fake, clitest.ServeTCP(t, s)
}

// sendRaw sends method url as is (the path neither cleaned nor
// re-encoded, no redirect followed) with the page's header.
func sendRaw(t *testing.T, method, url string, body []byte) answer {
	t.Helper()
	resp, raw := clitest.SendRaw(t, method, url, body, http.Header{headerRequestedWith: {requestedWithUI}})
	a := answer{Status: resp.StatusCode, Header: resp.Header}
	if resp.StatusCode/100 != 3 {
		require.NoError(t, json.Unmarshal(raw, &a.Body), "%s", raw)
	}
	return a
}

// A PUT body over the limit is refused with 413 and writes nothing.
func TestHostileUIOversizedBody(t *testing.T) {
	fake, base := startHostileUI(t)
	body := append([]byte(`{"value":"`), bytes.Repeat([]byte("v"), maxPutBody)...)
	body = append(body, `"}`...)
	a := sendRaw(t, http.MethodPut, base+"/api/kv/big", body)
	require.Equal(t, http.StatusRequestEntityTooLarge, a.Status, a.Body)
	require.Equal(t, "too_large", a.errorCode())
	require.Empty(t, fake.written())
}

// Keys holding "../", raw or percent-encoded, are literal keys: the write
// names exactly that key. Keys and values that are not valid UTF-8 are
// refused with 400 and write nothing.
func TestHostileUIKeys(t *testing.T) {
	fake, base := startHostileUI(t)
	tests := []struct {
		name, target, body string
		status             int    // any 3xx for a redirect
		key                string // the key written, when status is 200
	}{
		{"encoded dot-dot path", "/api/kv/..%2F..%2Fetc%2Fpasswd", `{"value":"x"}`, http.StatusOK, "../../etc/passwd"},
		{"dot-dot query", "/api/kv?key=..", `{"value":"x"}`, http.StatusOK, ".."},
		{"encoded dot-dot query", "/api/kv?key=%2E%2E%2Fkeep", `{"value":"x"}`, http.StatusOK, "../keep"},
		{"raw dot-dot path", "/api/kv/../kv/keep", `{"value":"x"}`, http.StatusMovedPermanently, ""},
		{"invalid UTF-8 key", "/api/kv/bad%FF", `{"value":"x"}`, http.StatusBadRequest, ""},
		{"invalid UTF-8 query key", "/api/kv?key=%C3%28", `{"value":"x"}`, http.StatusBadRequest, ""},
		{"invalid UTF-8 value", "/api/kv/k", "{\"value\":\"v\xff\"}", http.StatusBadRequest, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(fake.written())
			a := sendRaw(t, http.MethodPut, base+tt.target, []byte(tt.body))
			if tt.status/100 == 3 {
				require.Equal(t, 3, a.Status/100, "redirected to the cleaned path, unserved: %d", a.Status)
			} else {
				require.Equal(t, tt.status, a.Status, a.Body)
			}
			writes := fake.written()[before:]
			if tt.status != http.StatusOK {
				require.Empty(t, writes)
				return
			}
			require.Equal(t, []fakeWrite{{method: http.MethodPut, key: tt.key, value: []byte("x")}}, writes)
		})
	}
}

// Clients that send part of a request header and stall do not block other
// clients, and the server closes their connections once its
// ReadHeaderTimeout passes. It runs in a synctest bubble over in-memory
// connections, so the timeout passes in fake time.
func TestHostileUIStalledHeaders(t *testing.T) {
	s, err := New(Config{Endpoints: []string{newFakeNode(t).srv.URL}})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	clitest.RequireStalledHeaders(t, s, "PUT /api/kv/a HTTP/1.1\r\nHost: treekv\r\nContent-Length: 3\r\n", "/", "<html")
}
