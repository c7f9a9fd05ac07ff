package node

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/node/internal/apitest"
	"github.com/treekv/kv/node/part"
)

// adminRoute is one admin endpoint: its method, its path with %s for the
// partition ID, and the type of its JSON body (nil when it takes none).
type adminRoute struct {
	method, path string
	body         func() any
}

var adminFuzzRoutes = []adminRoute{
	{http.MethodGet, "/v1/admin/map", nil},
	{http.MethodPut, "/v1/admin/map", func() any { return &part.Map{} }},
	{http.MethodGet, "/v1/admin/replicas", nil},
	{http.MethodPost, "/v1/admin/replicas", func() any { return &CreateReplicaRequest{} }},
	{http.MethodDelete, "/v1/admin/replicas/%s", nil},
	{http.MethodGet, "/v1/admin/replicas/%s/members", nil},
	{http.MethodPost, "/v1/admin/replicas/%s/members", func() any { return &MemberChange{} }},
	{http.MethodPost, "/v1/admin/replicas/%s/transfer-leader", func() any { return &TransferRequest{} }},
}

// adminState is what the admin API may change on a node: its map and its
// replicas.
type adminState struct {
	pmap     *part.Map
	replicas map[uint64]*Replica
}

func adminStateOf(n *Node) adminState {
	n.mu.RLock()
	defer n.mu.RUnlock()
	s := adminState{pmap: n.pmap, replicas: map[uint64]*Replica{}}
	for id, r := range n.replicas {
		s.replicas[id] = r
	}
	return s
}

// same reports whether s and o hold the same map and the same replicas.
func (s adminState) same(o adminState) bool {
	if s.pmap != o.pmap || len(s.replicas) != len(o.replicas) {
		return false
	}
	for id, r := range s.replicas {
		if o.replicas[id] != r {
			return false
		}
	}
	return true
}

// restore puts the node back in state s: its map, and a replica (without
// configuration) of each partition of s and of no other.
func (s adminState) restore(t *testing.T, n *Node) {
	n.mu.Lock()
	n.pmap = s.pmap
	n.mu.Unlock()
	for _, rs := range n.Replicas() {
		if _, ok := s.replicas[rs.Partition]; !ok {
			require.NoError(t, n.RemoveReplica(rs.Partition))
		}
	}
	for id := range s.replicas {
		if _, ok := n.Replica(id); !ok {
			require.NoError(t, n.CreateReplica(id, false))
		}
	}
}

// FuzzNodeAdminAPI sends arbitrary admin requests (map, replicas, members,
// leadership transfer) through the node's whole handler. The node hosts
// replicas of partitions 1 and 2 that never lead, and the map also holds
// partition 3. A request that is malformed (a path ID that is not a hosted
// partition, a body that is not exactly one JSON object of the endpoint's
// shape) is answered 4xx and changes nothing; a well-formed membership
// change or transfer on a replica that does not lead is answered 503
// unavailable; nothing is ever answered 500.
func FuzzNodeAdminAPI(f *testing.F) {
	n := startFuzzNode(f, 3)
	require.NoError(f, n.RemoveReplica(3))
	mapJSON, err := json.Marshal(n.Map())
	require.NoError(f, err)
	for _, s := range adminFuzzSeeds(mapJSON) {
		f.Add(s.route, s.id, []byte(s.body))
	}
	h := n.handler()
	base := adminStateOf(n)
	f.Fuzz(func(t *testing.T, route uint8, id string, body []byte) {
		rt := adminFuzzRoutes[int(route)%len(adminFuzzRoutes)]
		if strings.ContainsAny(id, "?#") {
			return // the ID would end the path
		}
		path := rt.path
		if strings.Contains(path, "%s") {
			path = fmt.Sprintf(path, id)
		}
		r := apitest.WireRequest(rt.method, path, http.Header{}, body)
		if r == nil {
			return
		}
		defer base.restore(t, n)
		before := adminStateOf(n)
		rec := serveRecorded(h, r)
		apitest.RequireAnswer(t, rec, nodeStatuses)
		if rec.Code/100 != 2 {
			require.True(t, before.same(adminStateOf(n)), "%s %s answered %d yet changed the node", rt.method, path, rec.Code)
		}
		if !wellFormedAdmin(rt, id, body, base) {
			require.Contains(t, []int{3, 4}, rec.Code/100, "malformed %s %s %q answered %d %s", rt.method, path, body, rec.Code, rec.Body)
		} else if rec.Code/100 == 5 {
			require.Equal(t, http.StatusServiceUnavailable, rec.Code, "%s", rec.Body)
		}
	})
}

// wellFormedAdmin reports whether a request names a hosted replica when its
// path has an ID, and has a body of its endpoint's shape when it takes one.
func wellFormedAdmin(rt adminRoute, id string, body []byte, base adminState) bool {
	if strings.Contains(rt.path, "%s") {
		raw, err := url.PathUnescape(id)
		pid, perr := strconv.ParseUint(raw, 10, 64)
		if _, hosted := base.replicas[pid]; err != nil || perr != nil || !hosted {
			return false
		}
	}
	if rt.body == nil {
		return true
	}
	v := rt.body()
	if !apitest.StrictJSON(body, v) {
		return false
	}
	if mc, ok := v.(*MemberChange); ok {
		known := mc.Action == MemberAddLearner || mc.Action == MemberPromote || mc.Action == MemberRemove
		return known && mc.NodeID != ""
	}
	return true
}

// adminFuzzSeed is one seed of FuzzNodeAdminAPI: a route of adminFuzzRoutes, the
// path ID and the body.
type adminFuzzSeed struct {
	route    uint8
	id, body string
}

// adminFuzzSeeds are valid admin requests and near misses; mapJSON is the
// node's current map.
func adminFuzzSeeds(mapJSON []byte) []adminFuzzSeed {
	return []adminFuzzSeed{
		{0, "", ""},
		{1, "", string(mapJSON)},
		{1, "", string(mapJSON) + " {}"},
		{1, "", `{"version":1,"partitioner":"hash","partitions":[]}`},
		{1, "", `{"version":0,"partitioner":"hash","nodes":[{"id":"n1"}],"partitions":[{"id":1,"replicas":["n1"]}]}`},
		{2, "", ""},
		{3, "", `{"partition":3}`},
		{3, "", `{"partition":3,"bootstrap":true}`},
		{3, "", `{"partition":1}`},
		{3, "", `{"partition":99}`},
		{3, "", `{"partition":-1}`},
		{3, "", `{"partition":3,"extra":1}`},
		{4, "2", ""},
		{4, "3", ""},
		{4, "..%2F1", ""},
		{5, "1", ""},
		{5, "18446744073709551616", ""},
		{6, "1", `{"action":"add_learner","node_id":"n2","raft_addr":"127.0.0.1:1"}`},
		{6, "1", `{"action":"remove","node_id":"n1"}`},
		{6, "2", `{"action":"promote","node_id":""}`},
		{6, "2", `{"action":"explode","node_id":"n2"}`},
		{6, "%FF", `{"action":"remove","node_id":"n2"}`},
		{7, "1", `{"to":"n2","raft_addr":"127.0.0.1:1"}`},
		{7, "1", `{"to":"n2"} trailing`},
		{7, "2", `[]`},
		{6, "2", "{\"action\":\"remove\",\"node_id\":\"n\xff\"}"},
	}
}
