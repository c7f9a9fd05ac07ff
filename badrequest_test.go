package kv_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
)

// badRequest is a request the data API must refuse with a 4xx JSON error.
type badRequest struct {
	name   string
	method string
	path   string // with its query
	body   string
	header http.Header
	status int
	code   string
}

// The key every bad request names; none of them may create it.
const untouched = "untouched"

func badRequests() []badRequest {
	bad := func(name, method, path, body string) badRequest {
		return badRequest{name: name, method: method, path: path, body: body, status: http.StatusBadRequest, code: "bad_request"}
	}
	tooLarge := func(name, method, path, body string) badRequest {
		return badRequest{name: name, method: method, path: path, body: body, status: http.StatusRequestEntityTooLarge, code: "too_large"}
	}
	txn := func(name, body string) badRequest { return bad(name, http.MethodPost, "/v1/txn", body) }
	kvPath := "/v1/kv/" + untouched
	return []badRequest{
		bad("empty key on PUT", http.MethodPut, "/v1/kv/", "v"),
		bad("empty key on GET", http.MethodGet, "/v1/kv/", ""),
		bad("empty key on DELETE", http.MethodDelete, "/v1/kv/", ""),
		bad("key not valid UTF-8", http.MethodPut, "/v1/kv/%FF%FE", "v"),
		tooLarge("key over 4 KiB", http.MethodPut, "/v1/kv/"+strings.Repeat("k", 4<<10+1), "v"),
		tooLarge("value over 1 MiB", http.MethodPut, kvPath, strings.Repeat("v", 1<<20+1)),
		tooLarge("txn body over its cap", http.MethodPost, "/v1/txn", `{"success":[]}`+strings.Repeat(" ", 3<<20)),
		tooLarge("txn with too many ops", http.MethodPost, "/v1/txn", `{"success":[{"op":"get","key":"a"},{"op":"get","key":"b"},{"op":"get","key":"c"}]}`),
		txn("invalid txn JSON", `{"success":[{"op":"put"`),
		txn("txn JSON followed by more data", `{"success":[{"op":"get","key":"a"}]} {}`),
		txn("unknown txn field", `{"succes":[{"op":"put","key":"untouched","value":"eA=="}]}`),
		txn("empty txn", `{}`),
		txn("invalid base64 value in txn", `{"success":[{"op":"put","key":"untouched","value":"not base64!"}]}`),
		txn("unknown txn op", `{"success":[{"op":"increment","key":"untouched"}]}`),
		txn("unknown compare target", `{"compare":[{"key":"untouched","target":"size","op":"="}],"success":[{"op":"put","key":"untouched","value":"eA=="}]}`),
		txn("unknown compare op", `{"compare":[{"key":"untouched","target":"mod","op":"=="}],"success":[{"op":"put","key":"untouched","value":"eA=="}]}`),
		txn("empty key in txn", `{"success":[{"op":"get","key":""}]}`),
		txn("value on a txn get", `{"success":[{"op":"get","key":"untouched","value":"eA=="}]}`),
		bad("unknown consistency on GET", http.MethodGet, kvPath+"?consistency=eventual", ""),
		bad("unknown consistency on scan", http.MethodGet, "/v1/scan?consistency=strong", ""),
		bad("bad cursor", http.MethodGet, "/v1/scan?cursor=not-a-cursor!", ""),
		bad("non-numeric if_revision on PUT", http.MethodPut, kvPath+"?if_revision=abc", "v"),
		bad("negative if_revision on PUT", http.MethodPut, kvPath+"?if_revision=-1", "v"),
		bad("non-numeric if_revision on DELETE", http.MethodDelete, kvPath+"?if_revision=1.5", ""),
		bad("non-numeric scan limit", http.MethodGet, "/v1/scan?limit=ten", ""),
		bad("zero scan limit", http.MethodGet, "/v1/scan?limit=0", ""),
		bad("negative scan limit", http.MethodGet, "/v1/scan?limit=-3", ""),
		bad("scan limit over the maximum", http.MethodGet, "/v1/scan?limit=10001", ""),
		bad("huge scan limit", http.MethodGet, "/v1/scan?limit=99999999999999999999", ""),
		{name: "oversized Idempotency-Key", method: http.MethodPut, path: kvPath, body: "v",
			header: http.Header{"Idempotency-Key": {strings.Repeat("i", 257)}}, status: http.StatusBadRequest, code: "bad_request"},
	}
}

// Every bad request is answered with its 4xx JSON error and the right code,
// changes nothing, and leaves the node serving normal requests.
func TestBadRequests(t *testing.T) {
	// Small transaction limits keep the oversized cases cheap; key and value
	// limits keep their defaults.
	c := startCluster(t, kv.ClusterConfig{Limits: kv.Limits{MaxTxnOps: 2, MaxTxnSize: 1 << 20}})
	api := newHTTPAPI(t)
	nodes := c.Endpoints()
	for i, tt := range badRequests() {
		t.Run(tt.name, func(t *testing.T) {
			base := nodes[i%len(nodes)]
			ans := api.do(tt.method, base+tt.path, []byte(tt.body), tt.header)
			requireError(t, ans, tt.status, tt.code)

			requireError(t, api.read(kvURL(base, untouched)), http.StatusNotFound, "not_found")
			key := fmt.Sprintf("after-%d", i)
			api.putOK(base, key, []byte("fine"))
			requireValue(t, api.read(kvURL(base, key)), "fine")
		})
	}
}

// Keys travel percent-encoded in the path and may hold "/", dot segments
// and any other byte: a key written under one spelling of its path is read
// under another. Keys and values at their size limits are accepted.
func TestKeysInThePath(t *testing.T) {
	c := startCluster(t, kv.ClusterConfig{})
	api := newHTTPAPI(t)
	nodes := c.Endpoints()
	tests := []struct {
		name    string
		key     string
		rawPath string // another spelling of the key's path
	}{
		{"slash", "a/b", "/v1/kv/a/b"},
		{"double and trailing slash", "a//b/", "/v1/kv/a//b/"},
		{"dot dot", "..", "/v1/kv/%2E%2E"},
		{"dot", ".", "/v1/kv/%2e"},
		{"percent", "100%", "/v1/kv/100%25"},
		{"space and query characters", "sp ace?&#", "/v1/kv/sp%20ace%3F&%23"},
		{"multibyte", "ω", "/v1/kv/%CF%89"},
		{"4 KiB key", strings.Repeat("k", 4<<10), "/v1/kv/" + strings.Repeat("k", 4<<10)},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			value := fmt.Sprintf("value %d", i)
			api.putOK(nodes[i%len(nodes)], tt.key, []byte(value))
			requireValue(t, api.read(nodes[(i+1)%len(nodes)]+tt.rawPath), value)
		})
	}
	t.Run("value of 1 MiB", func(t *testing.T) {
		value := strings.Repeat("v", 1<<20)
		api.putOK(nodes[0], "large", []byte(value))
		requireValue(t, api.read(kvURL(nodes[1], "large")), value)
	})
}

// The operations endpoints answer on every node of a ready cluster.
func TestClusterOpsEndpoints(t *testing.T) {
	c := startCluster(t, kv.ClusterConfig{})
	api := newHTTPAPI(t)
	m := c.Map()
	for i, base := range c.Endpoints() {
		t.Run(c.Node(i).ID(), func(t *testing.T) {
			require.Equal(t, http.StatusOK, api.get(base+"/healthz").status)
			waitFor(t, "/readyz answers 200", func() (bool, string) {
				ans := api.get(base + "/readyz")
				return ans.status == http.StatusOK, string(ans.body)
			})
			api.putOK(base, "metrics-probe", []byte("x"))
			metrics := api.get(base + "/metrics")
			require.Equal(t, http.StatusOK, metrics.status)
			for _, name := range []string{"treekv_replicas", "treekv_leaders", "treekv_http_request_duration_seconds"} {
				require.Contains(t, string(metrics.body), name)
			}
			requireStatusListsReplicas(t, api.get(base+"/v1/status"), c.Node(i).ID(), m)
		})
	}
}

// requireStatusListsReplicas checks that a /v1/status answer names node id
// and lists a replica of every partition the map places on it.
func requireStatusListsReplicas(t *testing.T, ans answer, id string, m *kv.PartitionMap) {
	t.Helper()
	require.Equal(t, http.StatusOK, ans.status)
	var status struct {
		ID       string `json:"id"`
		Replicas []struct {
			Partition uint64 `json:"partition"`
			State     string `json:"state"`
		} `json:"replicas"`
	}
	require.NoError(t, json.Unmarshal(ans.body, &status))
	require.Equal(t, id, status.ID)
	var want, got []uint64
	for _, p := range m.Partitions {
		if slices.Contains(p.Replicas, id) {
			want = append(want, p.ID)
		}
	}
	for _, r := range status.Replicas {
		got = append(got, r.Partition)
		require.Contains(t, []string{"Leader", "Follower", "Candidate"}, r.State)
	}
	require.ElementsMatch(t, want, got)
}
