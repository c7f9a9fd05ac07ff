package node

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/node/part"
)

// peerAnswer builds an HTTP answer with status and body, as another node or
// the controller might send it.
func peerAnswer(status int, body []byte) *http.Response {
	return &http.Response{StatusCode: status, Status: http.StatusText(status),
		Body: io.NopCloser(bytes.NewReader(body))}
}

// FuzzDecodeScanAnswer decodes arbitrary answers to a partition scan sent
// to another node. It never panics; an answer other than 200 is always an
// error; the items of a well-formed answer come back as they were sent.
func FuzzDecodeScanAnswer(f *testing.F) {
	f.Add(uint16(200), []byte(`{"items":[{"key":"a","value":"dg==","revision":3}],"next":""}`))
	f.Add(uint16(200), []byte(`{"items":[{"key":"a","value":"not base64"}]}`))
	f.Add(uint16(200), []byte(`null`))
	f.Add(uint16(503), []byte(`{"error":{"code":"unavailable","message":"no leader"}}`))
	f.Add(uint16(400), []byte(`{"error":{"code":"","message":""}}`))
	f.Add(uint16(502), []byte(`<html>bad gateway</html>`))
	f.Add(uint16(0), []byte{})
	f.Fuzz(func(t *testing.T, status uint16, body []byte) {
		items, err := decodeScanAnswer(peerAnswer(int(status), body))
		if status != http.StatusOK {
			require.Error(t, err, "a %d answer is an error", status)
			require.Nil(t, items)
		}
		if !utf8.Valid(body) {
			return
		}
		sent := []ScanItem{{Key: string(body), Value: body, Revision: uint64(status)}}
		data, err := json.Marshal(ScanResponse{Items: sent})
		require.NoError(t, err)
		got, err := decodeScanAnswer(peerAnswer(http.StatusOK, data))
		require.NoError(t, err)
		require.Equal(t, sent, got)
	})
}

// FuzzHeartbeatAnswer sends one heartbeat to a controller that answers
// arbitrary bytes. The heartbeater never panics; a node's map changes only
// to a valid, newer map; a refused heartbeat is an error, one answered
// not_found is ErrNotFound (the node joins again).
func FuzzHeartbeatAnswer(f *testing.F) {
	n, err := New(Config{ID: "n1", Raft: fuzzRaftConfig()})
	require.NoError(f, err)
	f.Cleanup(func() { require.NoError(f, n.Close()) })
	m, err := part.Plan(part.PlanConfig{Partitions: 2, Replicas: 1, Nodes: []part.NodeInfo{n.Info()}})
	require.NoError(f, err)
	newer := m.Clone()
	newer.Version++
	for _, resp := range []HeartbeatResponse{{MapVersion: m.Version}, {MapVersion: newer.Version, Map: newer}} {
		data, err := json.Marshal(resp)
		require.NoError(f, err)
		f.Add(uint16(200), data)
	}
	f.Add(uint16(200), []byte(`{"map_version":9,"map":{"version":9,"partitioner":"hash","partitions":[]}}`))
	f.Add(uint16(200), []byte(`{"map":null} trailing`))
	f.Add(uint16(200), []byte(``))
	f.Add(uint16(404), []byte(`{"error":{"code":"not_found","message":"join first"}}`))
	f.Add(uint16(500), []byte(`{"error":{"code":"nonsense"}}`))
	f.Add(uint16(302), []byte(`moved`))
	var next atomic.Pointer[cannedAnswer]
	ctl := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := next.Load()
		w.WriteHeader(a.status)
		_, _ = w.Write(a.body)
	}))
	f.Cleanup(ctl.Close)
	h := &heartbeater{n: n, bases: []string{ctl.URL}, client: ctl.Client(), logger: slog.New(slog.DiscardHandler)}
	f.Fuzz(func(t *testing.T, s uint16, b []byte) {
		if s < 200 || s > 599 {
			return // net/http sends no such status
		}
		next.Store(&cannedAnswer{status: int(s), body: b})
		n.mu.Lock()
		n.pmap = m
		n.mu.Unlock()
		err := h.heartbeat(t.Context())
		requireHeartbeatOutcome(t, n, m, s, b, err)
	})
}

// cannedAnswer is what the fake controller answers next.
type cannedAnswer struct {
	status int
	body   []byte
}

func requireHeartbeatOutcome(t *testing.T, n *Node, before *part.Map, status uint16, body []byte, err error) {
	t.Helper()
	after := n.Map()
	if after.Version != before.Version {
		require.NoError(t, after.Validate())
		require.Greater(t, after.Version, before.Version)
		require.Equal(t, 2, int(status)/100, "a map came with a %d answer", status)
	}
	if status/100 == 2 {
		return
	}
	require.Error(t, err)
	var eb ErrorBody
	if json.Unmarshal(body, &eb) == nil && eb.Error.Code == CodeNotFound {
		require.True(t, errors.Is(err, ErrNotFound), "%v", err)
	}
}
