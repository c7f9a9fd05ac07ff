package controller

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/node"
	"github.com/treekv/kv/node/internal/apitest"
)

// stallBound is how long the controller may take to close a connection
// that stalls in its request header (its ReadHeaderTimeout is 5s).
const stallBound = 10 * time.Second

// hostileAnswer is one answer of the controller over TCP.
type hostileAnswer struct {
	status int
	body   []byte
}

// send sends method rawTarget to the fixture's listener as is (no
// redirect followed, the path not cleaned) and returns the answer.
func (fx *apiFixture) send(t *testing.T, method, rawTarget string, body []byte) hostileAnswer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, "http://"+fx.c.HTTPAddr()+rawTarget, bytes.NewReader(body))
	require.NoError(t, err)
	resp, err := http.DefaultTransport.RoundTrip(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return hostileAnswer{status: resp.StatusCode, body: data}
}

// requireRefused checks that ans is a 4xx JSON error with code, or with
// code "" any 3xx or 4xx, and that the controller's state did not change.
func (fx *apiFixture) requireRefused(t *testing.T, ans hostileAnswer, code string, before apiState) {
	t.Helper()
	if code == "" {
		require.Contains(t, []int{3, 4}, ans.status/100, "%s", ans.body)
	} else {
		var eb node.ErrorBody
		require.NoError(t, json.Unmarshal(ans.body, &eb), "%s", ans.body)
		require.Equal(t, code, eb.Error.Code, "%s", ans.body)
		require.Contains(t, apitest.DesignStatuses(code), ans.status)
	}
	require.Equal(t, before, fx.state(t), "the refused request changed the controller")
	view, err := fx.c.View(t.Context())
	require.NoError(t, err)
	require.Len(t, view.Nodes, len(fx.base.Nodes), "the members are intact")
}

// A body over the 1 MiB limit is refused with 413 and changes nothing.
func TestHostileControllerOversizedBodies(t *testing.T) {
	fx := startAPIFixture(t)
	huge := append([]byte(`{"id":"`), bytes.Repeat([]byte("x"), maxBody)...)
	huge = append(huge, `","http_addr":"a","raft_addr":"b"}`...)
	for _, target := range []string{"/v1/nodes", "/v1/nodes/n1/heartbeat", "/v1/partitions/1/move", "/v1/controllers"} {
		t.Run(target, func(t *testing.T) {
			before := fx.state(t)
			fx.requireRefused(t, fx.send(t, http.MethodPost, target, huge), node.CodeTooLarge, before)
		})
	}
}

// Node and partition IDs holding "../", raw or percent-encoded, name no
// member: they are refused (or redirected to the cleaned path, unserved)
// and change nothing.
func TestHostileControllerTraversalIDs(t *testing.T) {
	fx := startAPIFixture(t)
	tests := []struct {
		name, method, target, code string
	}{
		{"encoded dot-dot node", http.MethodDelete, "/v1/nodes/..%2Fn1", node.CodeNotFound},
		{"encoded dot-dot drain", http.MethodPost, "/v1/nodes/%2e%2e%2fn1/drain", node.CodeNotFound},
		{"raw dot-dot node", http.MethodDelete, "/v1/nodes/../nodes/n1", ""},
		{"raw dot-dot to another route", http.MethodPost, "/v1/partitions/../nodes/n1/drain", ""},
		{"encoded dot-dot partition", http.MethodPost, "/v1/partitions/..%2F1/move", node.CodeBadRequest},
		{"dot-dot local node", http.MethodPost, "/v1/local/nodes/..%2Fn1/stop", node.CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := fx.state(t)
			fx.requireRefused(t, fx.send(t, tt.method, tt.target, []byte(`{"from":"n1","to":"n3"}`)), tt.code, before)
		})
	}
}

// Bodies and IDs that are not valid UTF-8 are refused with a clear error
// and change nothing (JSON would silently turn the bytes into U+FFFD).
func TestHostileControllerInvalidUTF8(t *testing.T) {
	fx := startAPIFixture(t)
	tests := []struct {
		name, method, target, body, code string
	}{
		{"join", http.MethodPost, "/v1/nodes", "{\"id\":\"n\xff\",\"http_addr\":\"a\",\"raft_addr\":\"b\"}", node.CodeBadRequest},
		{"heartbeat", http.MethodPost, "/v1/nodes/n1/heartbeat", "{\"id\":\"n1\",\"replicas\":[{\"state\":\"\xc3\x28\"}]}", node.CodeBadRequest},
		{"move", http.MethodPost, "/v1/partitions/1/move", "{\"from\":\"n1\",\"to\":\"n\xed\xa0\x80\"}", node.CodeBadRequest},
		{"remove by path", http.MethodDelete, "/v1/nodes/n1%FF", "", node.CodeNotFound},
		{"drain by path", http.MethodPost, "/v1/nodes/%C3%28/drain", "", node.CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := fx.state(t)
			fx.requireRefused(t, fx.send(t, tt.method, tt.target, []byte(tt.body)), tt.code, before)
		})
	}
}

// Clients that send part of a request header and stall do not block other
// clients, and the controller closes their connections.
func TestHostileControllerStalledHeaders(t *testing.T) {
	t.Parallel() // waits out the 5s ReadHeaderTimeout in real time
	fx := startAPIFixture(t)
	var conns []net.Conn
	for range 16 {
		conn, err := net.Dial("tcp", fx.c.HTTPAddr())
		require.NoError(t, err)
		t.Cleanup(func() { conn.Close() })
		_, err = io.WriteString(conn, "POST /v1/nodes HTTP/1.1\r\nHost: treekv\r\nContent-Length: 3\r\n")
		require.NoError(t, err)
		conns = append(conns, conn)
	}
	require.Equal(t, http.StatusOK, fx.send(t, http.MethodGet, "/v1/cluster", nil).status, "served meanwhile")
	for _, conn := range conns {
		requireClosedByServer(t, conn)
	}
	require.Equal(t, http.StatusOK, fx.send(t, http.MethodGet, "/v1/cluster", nil).status)
}

// requireClosedByServer reads conn until the server closes it, failing if
// that takes longer than stallBound.
func requireClosedByServer(t *testing.T, conn net.Conn) {
	t.Helper()
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(stallBound)))
	_, err := io.ReadAll(conn) // a 408 answer, if any, then EOF
	var netErr net.Error
	if errors.As(err, &netErr) {
		require.False(t, netErr.Timeout(), "the controller kept a stalled connection open for %s", stallBound)
	}
}
