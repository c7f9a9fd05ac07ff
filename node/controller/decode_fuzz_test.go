package controller

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/node"
	"github.com/treekv/kv/node/part"
)

// FuzzStateJSON decodes arbitrary bytes as the controller's replicated
// state, as store.local reads it back from the controller group. A state
// that decodes survives clone (its JSON round trip) unchanged, and none of
// the helpers that read it panics, whatever it holds.
func FuzzStateJSON(f *testing.F) {
	m, err := part.Plan(part.PlanConfig{Partitions: 2, Replicas: 2,
		Nodes: []part.NodeInfo{{ID: "n1"}, {ID: "n2"}, {ID: "n3"}}})
	require.NoError(f, err)
	st := State{Version: 7, Map: m, Removed: []string{"gone"},
		Controllers: []ControllerRecord{{ID: "c1", HTTPAddr: "127.0.0.1:8080", RaftAddr: "127.0.0.1:9100"}},
		Moves:       []Move{{Partition: 1, From: "n1", To: "n3", Reason: "manual", Started: time.Unix(1, 0).UTC()}}}
	for _, id := range []string{"n1", "n2", "n3"} {
		st.Nodes = append(st.Nodes, NodeRecord{ID: id, HTTPAddr: "127.0.0.1:1", Joined: time.Unix(1, 0).UTC()})
	}
	data, err := json.Marshal(st)
	require.NoError(f, err)
	f.Add(data)
	f.Add([]byte(`{"version":1,"map":{"partitions":[{"id":1,"replicas":["n1","n1"]}]},"moves":[{"partition":1,"to":"n1"}]}`))
	f.Add([]byte(`{"nodes":[{"id":"n1"},{"id":"n1"}],"map":{"nodes":null,"partitions":null}}`))
	f.Add([]byte(`{"nodes":[{"joined":"not a time"}]}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var st State
		if json.Unmarshal(data, &st) != nil {
			return
		}
		requireSameJSON(t, &st, st.clone())
		for _, id := range append(st.memberIDs(), "n1", "") {
			st.node(id)
			st.controller(id)
			st.hostedBy(id)
		}
		for _, mv := range append(st.Moves, Move{Partition: 1}) {
			st.move(mv.Partition)
			st.partitionRef(mv.Partition)
		}
		st.nodeInfos()
		st.syncMapNodes()
		st.setController(ControllerRecord{ID: "c9"})
		st.removeMove(1)
		requireSameJSON(t, &st, st.clone())
	})
}

func requireSameJSON(t *testing.T, a, b *State) {
	t.Helper()
	x, err := json.Marshal(a)
	require.NoError(t, err)
	y, err := json.Marshal(b)
	require.NoError(t, err)
	require.JSONEq(t, string(x), string(y))
}

// FuzzDecodeAnswer decodes arbitrary answers of a storage node's admin
// API. It never panics; an answer other than 2xx is always an error, and
// one that carries the API's JSON error matches that code's sentinel.
func FuzzDecodeAnswer(f *testing.F) {
	f.Add(uint16(200), []byte(`{"partition":1,"state":"Leader"}`))
	f.Add(uint16(201), []byte(``))
	f.Add(uint16(200), []byte(`{"partition":"one"}`))
	f.Add(uint16(409), []byte(`{"error":{"code":"conflict","message":"already hosts"}}`))
	f.Add(uint16(503), []byte(`{"error":{"code":"unavailable"}}`))
	f.Add(uint16(500), []byte(`{"error":{"code":"what","message":"x"}}`))
	f.Add(uint16(502), []byte(`<html>`))
	f.Fuzz(func(t *testing.T, status uint16, body []byte) {
		resp := &http.Response{StatusCode: int(status), Status: http.StatusText(int(status)),
			Body: io.NopCloser(bytes.NewReader(body))}
		var out node.ReplicaStatus
		err := decodeAnswer(resp, http.MethodPost, "/v1/admin/replicas", &out)
		if status/100 == 2 {
			if len(body) > 0 && json.Valid(body) {
				require.Equal(t, json.Unmarshal(body, &node.ReplicaStatus{}) == nil, err == nil, "%v", err)
			}
			return
		}
		require.Error(t, err)
		var eb node.ErrorBody
		if json.Unmarshal(body, &eb) == nil && eb.Error.Code != "" {
			require.True(t, errors.Is(err, node.CodeError(eb.Error.Code)), "%v", err)
		}
	})
}
