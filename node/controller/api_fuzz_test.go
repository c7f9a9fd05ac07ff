package controller

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/node"
	"github.com/treekv/kv/node/internal/apitest"
)

// apiRoute is one endpoint of the controller API that reads input: its
// method, its target with %s for the fuzzed part, the type of its JSON
// body (nil without one), and whether a decoded request is well formed.
type apiRoute struct {
	method, target string
	body           func() any
	wellFormed     func(arg string, v any) bool
}

func always(string, any) bool { return true }

// pathNumber reports whether the fuzzed path segment is a partition ID.
func pathNumber(arg string, _ any) bool {
	raw, err := url.PathUnescape(arg)
	_, perr := strconv.ParseUint(raw, 10, 64)
	return err == nil && perr == nil
}

var apiFuzzRoutes = []apiRoute{
	{http.MethodPost, "/v1/nodes", func() any { return &node.JoinRequest{} }, func(_ string, v any) bool {
		j := v.(*node.JoinRequest)
		return j.ID != "" && j.HTTPAddr != "" && j.RaftAddr != ""
	}},
	{http.MethodDelete, "/v1/nodes/%s", nil, always},
	{http.MethodPost, "/v1/nodes/%s/drain", nil, always},
	{http.MethodPost, "/v1/nodes/%s/heartbeat", func() any { return &node.NodeReport{} }, func(arg string, v any) bool {
		id, err := url.PathUnescape(arg)
		return err == nil && v.(*node.NodeReport).ID == id
	}},
	{http.MethodPost, "/v1/partitions/%s/move", func() any { return &MoveRequest{} }, pathNumber},
	{http.MethodPost, "/v1/partitions/%s/transfer-leader", func() any { return &TransferLeaderRequest{} }, pathNumber},
	{http.MethodPost, "/v1/controllers", func() any { return &ControllerRecord{} }, func(_ string, v any) bool {
		rec := v.(*ControllerRecord)
		return rec.ID != "" && rec.HTTPAddr != "" && rec.RaftAddr != ""
	}},
	{http.MethodPost, "/v1/local/nodes/%s", nil, always},
	{http.MethodGet, "/v1/cluster?wait=%s", nil, always},
	{http.MethodGet, "/v1/%s", nil, always},
}

// controllersRoute adds a voter to the controller's own Raft group when
// well formed: the fuzz target sends it only malformed.
const controllersRoute = 6

// FuzzControllerAPI sends arbitrary requests to the controller API's
// endpoints that read a path, a query or a body, through its whole
// handler. Every answer keeps the API's error contract and is never a 500;
// a malformed request (a body that is not exactly one JSON object of the
// endpoint's shape, missing fields, a path ID that is not a number, a
// heartbeat sent to another node's path) is answered 3xx or 4xx; a refused
// request changes neither the replicated state nor the nodes' heartbeats
// nor the local nodes; an accepted heartbeat never breaks the cluster view.
func FuzzControllerAPI(f *testing.F) {
	for _, s := range apiFuzzSeeds {
		f.Add(s.route, s.arg, []byte(s.body))
	}
	fx := startAPIFixture(f)
	f.Fuzz(func(t *testing.T, route uint8, arg string, body []byte) {
		i := int(route) % len(apiFuzzRoutes)
		rt := apiFuzzRoutes[i]
		target := rt.target
		if strings.Contains(target, "%s") {
			target = fmt.Sprintf(target, arg)
		}
		r := apitest.WireRequest(rt.method, target, nil, body)
		if r == nil || fx.longPoll(r) {
			return
		}
		var v any
		wellFormed := true
		if rt.body != nil {
			v = rt.body()
			wellFormed = apitest.StrictJSON(body, v)
		}
		wellFormed = wellFormed && rt.wellFormed(arg, v)
		if i == controllersRoute && wellFormed {
			return
		}
		fx.check(t, r, wellFormed)
	})
}

// longPoll reports whether r would wait for the view's next version (a
// long poll of up to 30s, or an event stream): such requests are left out.
func (fx *apiFixture) longPoll(r *http.Request) bool {
	if strings.HasPrefix(r.URL.Path, "/v1/events") {
		return true
	}
	if !strings.HasPrefix(r.URL.Path, "/v1/cluster") {
		return false
	}
	wait, err := strconv.ParseUint(r.URL.Query().Get("wait"), 10, 64)
	current, _ := fx.c.viewVersion()
	return err == nil && wait >= current
}

// check serves r and checks the answer and the state against the contract.
func (fx *apiFixture) check(t *testing.T, r *http.Request, wellFormed bool) {
	before := fx.state(t)
	rec := httptest.NewRecorder()
	fx.h.ServeHTTP(rec, r)
	after := fx.state(t)
	apitest.RequireAnswer(t, rec, apitest.DesignStatuses)
	if rec.Code/100 != 2 {
		require.Equal(t, before, after, "%s %s answered %d yet changed the controller", r.Method, r.URL, rec.Code)
	}
	if !wellFormed {
		require.Contains(t, []int{3, 4}, rec.Code/100, "malformed %s %s answered %d %s", r.Method, r.URL, rec.Code, rec.Body)
	}
	if rec.Code/100 == 2 && before.revision == after.revision && !equalReports(before, after) {
		view, err := fx.c.View(t.Context())
		require.NoError(t, err, "the view after an accepted heartbeat")
		_, err = json.Marshal(view)
		require.NoError(t, err)
	}
	if before.revision != after.revision {
		fx.restoreState(t)
	}
	if !equalReports(before, after) {
		fx.restoreHealth()
	}
}

func equalReports(a, b apiState) bool {
	x, _ := json.Marshal(a.reports)
	y, _ := json.Marshal(b.reports)
	return bytes.Equal(x, y)
}

// apiFuzzSeeds are valid requests and near misses for every route.
var apiFuzzSeeds = []struct {
	route     uint8
	arg, body string
}{
	{0, "", `{"id":"n9","http_addr":"127.0.0.1:1","raft_addr":"127.0.0.1:2"}`},
	{0, "", `{"id":"n1","http_addr":"127.0.0.1:3","raft_addr":"127.0.0.1:4"}`},
	{0, "", `{"id":"gone","http_addr":"127.0.0.1:1","raft_addr":"127.0.0.1:2"}`},
	{0, "", `{"id":"n9","http_addr":"127.0.0.1:1","raft_addr":"127.0.0.1:2"} {}`},
	{0, "", `{"id":"n9","http_addr":"127.0.0.1:1"}`},
	{0, "", `{"id":"../n9","http_addr":"a","raft_addr":"b","extra":true}`},
	{0, "", "{\"id\":\"n\xff\",\"http_addr\":\"a\",\"raft_addr\":\"b\"}"},
	{1, "n3", ""},
	{1, "n1", ""},
	{1, "..%2Fn1", ""},
	{1, "%zz", ""},
	{2, "n2", ""},
	{2, "nobody", ""},
	{3, "n1", `{"id":"n1","map_version":1,"replicas":[{"partition":1,"state":"Leader","term":9,"members":[{"id":"n1","voter":true}]}]}`},
	{3, "n1", `{"id":"n1","replicas":[{"partition":18446744073709551615,"state":"Leader","keys":-1,"bytes":-9223372036854775808}]}`},
	{3, "n2", `{"id":"n1"}`},
	{3, "n9", `{"id":"n9"}`},
	{3, "n1", `{"id":"n1","requests_per_sec":"fast"}`},
	{4, "1", `{"from":"n1","to":"n3"}`},
	{4, "1", `{"from":"n3","to":"n1"}`},
	{4, "99", `{"from":"n1","to":"n3"}`},
	{4, "-1", `{"from":"n1","to":"n3"}`},
	{4, "1", `{"from":"n1","to":"n3"}]`},
	{5, "1", `{"to":"n2"}`},
	{5, "2", `{"to":"n3"}`},
	{5, "1", `{"to":""}`},
	{5, "x", `{"to":"n2"}`},
	{6, "", `{"id":"c2","http_addr":"127.0.0.1:1"}`},
	{6, "", `{"id":"c2","http_addr":"a","raft_addr":"b","x":1}`},
	{7, "n1/stop", ""},
	{7, "n1/explode", ""},
	{7, "n9/heal", ""},
	{7, "n1%2Fstop/isolate", ""},
	{8, "0", ""},
	{8, "-1", ""},
	{8, "abc", ""},
	{9, "nope", ""},
	{9, "nodes", ""},
	{9, "partitions/1", ""},
}
