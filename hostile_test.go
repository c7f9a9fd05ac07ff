package kv_test

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
)

// Limits of the hostile-input cluster, small so oversized input is cheap.
const (
	hostileMaxValue = 1 << 10
	hostileMaxKey   = 256
	// stallBound is how long the server may take to close a connection
	// that stalls in its request header (its ReadHeaderTimeout is 5s).
	stallBound = 10 * time.Second
)

// hostile is a cluster holding known data, for tests that throw bad input
// at it and then check that the data is unchanged.
type hostile struct {
	api  *httpAPI
	base string
	data map[string]string // key -> value stored before the bad input
}

func newHostile(t *testing.T) *hostile {
	c := startCluster(t, kv.ClusterConfig{Limits: kv.Limits{MaxValueSize: hostileMaxValue, MaxKeySize: hostileMaxKey}})
	h := &hostile{api: newHTTPAPI(t), base: c.Endpoints()[0],
		data: map[string]string{"keep/a": "A", "keep/b": "B", "etc/passwd": "not a file"}}
	for k, v := range h.data {
		h.api.putOK(h.base, k, []byte(v))
	}
	return h
}

// requireIntact checks that the stored data is unchanged, that no key
// outside it and the allowed ones exists, and that a normal write and read
// still work.
func (h *hostile) requireIntact(t *testing.T, allowed ...string) {
	t.Helper()
	for k, v := range h.data {
		requireValue(t, h.api.read(kvURL(h.base, k)), v)
	}
	var scan struct {
		Items []struct {
			Key string `json:"key"`
		} `json:"items"`
	}
	ans := h.api.read(h.base + "/v1/scan")
	require.Equal(t, http.StatusOK, ans.status, "%s", ans.body)
	require.NoError(t, json.Unmarshal(ans.body, &scan))
	for _, item := range scan.Items {
		_, known := h.data[item.Key]
		require.True(t, known || contains(allowed, item.Key) || strings.HasPrefix(item.Key, "probe/"),
			"unexpected key %q", item.Key)
	}
	probe := "probe/" + t.Name()
	h.api.putOK(h.base, probe, []byte("ok"))
	requireValue(t, h.api.read(kvURL(h.base, probe)), "ok")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// An oversized value or key is refused with 413 and stores nothing.
func TestHostileOversized(t *testing.T) {
	h := newHostile(t)
	tests := []struct {
		name, key string
		body      []byte
	}{
		{"value over the limit", "big", make([]byte, hostileMaxValue+1)},
		{"value far over the limit", "keep/a", make([]byte, 4*hostileMaxValue)},
		{"key over the limit", strings.Repeat("k", hostileMaxKey+1), []byte("v")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ans := h.api.write(http.MethodPut, kvURL(h.base, tt.key), tt.body, nil)
			requireError(t, ans, http.StatusRequestEntityTooLarge, "too_large")
			h.requireIntact(t)
		})
	}
	requireError(t, h.api.read(kvURL(h.base, "big")), http.StatusNotFound, "not_found")
}

// Keys holding "../", raw or percent-encoded, are literal keys: stored and
// read back under the same key whatever the encoding, with no effect on
// the keys they would name as paths.
func TestHostileTraversalKeys(t *testing.T) {
	h := newHostile(t)
	tests := []struct {
		name, rawPath, key string
	}{
		{"raw dot-dot", "/v1/kv/../keep/a", "../keep/a"},
		{"percent-encoded dot-dot", "/v1/kv/%2e%2e%2fkeep%2fb", "../keep/b"},
		{"mixed encoding", "/v1/kv/..%2F..%2Fetc/passwd", "../../etc/passwd"},
		{"dot-dot inside", "/v1/kv/keep/%2E%2E/keep/a", "keep/../keep/a"},
	}
	var stored []string
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			value := "literal " + tt.key
			ans := h.api.write(http.MethodPut, h.base+tt.rawPath, []byte(value), nil)
			require.Equal(t, http.StatusOK, ans.status, "%s", ans.body)
			stored = append(stored, tt.key)
			requireValue(t, h.api.read(h.base+tt.rawPath), value)
			requireValue(t, h.api.read(kvURL(h.base, tt.key)), value)
			h.requireIntact(t, stored...)
		})
	}
}

// A key that is not valid UTF-8 is refused with 400 and stores nothing.
func TestHostileInvalidUTF8(t *testing.T) {
	h := newHostile(t)
	for _, key := range []string{"bad\xff", "\xc3\x28", "keep/\xed\xa0\x80"} {
		t.Run(strconv.Quote(key), func(t *testing.T) {
			ans := h.api.write(http.MethodPut, kvURL(h.base, key), []byte("v"), nil)
			requireError(t, ans, http.StatusBadRequest, "bad_request")
			requireError(t, h.api.get(kvURL(h.base, key)), http.StatusBadRequest, "bad_request")
			h.requireIntact(t)
		})
	}
}

// Clients that send part of a request header and stall do not block other
// clients, and the server closes their connections.
func TestHostileStalledHeaders(t *testing.T) {
	h := newHostile(t)
	addr := strings.TrimPrefix(h.base, "http://")
	var conns []net.Conn
	for range 16 {
		conn, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		t.Cleanup(func() { conn.Close() })
		_, err = io.WriteString(conn, "PUT /v1/kv/keep/a HTTP/1.1\r\nHost: treekv\r\nContent-Length: 3\r\n")
		require.NoError(t, err)
		conns = append(conns, conn)
	}
	h.requireIntact(t)
	for _, conn := range conns {
		requireClosedByServer(t, conn)
	}
	h.requireIntact(t)
}

// requireClosedByServer reads conn until the server closes it, failing if
// that takes longer than stallBound.
func requireClosedByServer(t *testing.T, conn net.Conn) {
	t.Helper()
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(stallBound)))
	_, err := io.ReadAll(conn) // a 408 answer, if any, then EOF
	var netErr net.Error
	if errors.As(err, &netErr) {
		require.False(t, netErr.Timeout(), "the server kept a stalled connection open for %s", stallBound)
	}
}
