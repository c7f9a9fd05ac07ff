package node

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/node/internal/apitest"
	"github.com/treekv/kv/node/part"
)

// fuzzLimits are small, so that oversized input is cheap to generate.
var fuzzLimits = Limits{MaxKeySize: 64, MaxValueSize: 256, MaxTxnOps: 8, MaxTxnSize: 2048, MaxScanLimit: 50}

// fuzzRaftConfig elects a one-voter group within tens of milliseconds.
func fuzzRaftConfig() RaftConfig {
	return RaftConfig{HeartbeatTimeout: 50 * time.Millisecond, ElectionTimeout: 50 * time.Millisecond,
		LeaderLeaseTimeout: 50 * time.Millisecond, CommitTimeout: 5 * time.Millisecond, SnapshotInterval: time.Hour}
}

// startFuzzNode starts node n1 with partitions partitions of one replica,
// all placed on it; the replicas in live are bootstrapped and ready, the
// others are created without a configuration, so they never lead.
func startFuzzNode(tb testing.TB, partitions int, live ...uint64) *Node {
	tb.Helper()
	n, err := New(Config{ID: "n1", Raft: fuzzRaftConfig(), Limits: fuzzLimits})
	require.NoError(tb, err)
	tb.Cleanup(func() { require.NoError(tb, n.Close()) })
	m, err := part.Plan(part.PlanConfig{Partitions: partitions, Replicas: 1, Nodes: []part.NodeInfo{n.Info()}})
	require.NoError(tb, err)
	require.NoError(tb, n.SetMap(m))
	for _, p := range m.Partitions {
		require.NoError(tb, n.CreateReplica(p.ID, containsID(live, p.ID)))
	}
	require.Eventually(tb, func() bool {
		for _, id := range live {
			if rep, _ := n.Replica(id); !rep.Ready() {
				return false
			}
		}
		return true
	}, 10*time.Second, 5*time.Millisecond, "the live replicas lead")
	return n
}

func containsID(ids []uint64, id uint64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// nodeStatuses gives the one status the node answers an error code with
// when no deadline passed.
func nodeStatuses(code string) []int { return []int{statusOf(code, nil)} }

// serveRecorded runs one request through h and returns the recorded answer.
func serveRecorded(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

// storedData lists every entry of every replica on n, for comparing the
// data before and after a request.
func storedData(n *Node) map[uint64][]Entry {
	out := map[uint64][]Entry{}
	for _, rs := range n.Replicas() {
		if rep, ok := n.Replica(rs.Partition); ok {
			out[rs.Partition] = rep.FSM().Scan("", "", 0)
		}
	}
	return out
}

// dataTarget reports whether target names the data API; admin paths,
// however spelled, are left to FuzzNodeAdminAPI.
func dataTarget(target string) bool {
	for _, p := range []string{kvPrefix, "/v1/scan", "/v1/txn", "/v1/partitions/"} {
		if strings.HasPrefix(target, p) {
			return !strings.Contains(strings.ToLower(target), "admin")
		}
	}
	return false
}

// FuzzNodeDataAPI sends arbitrary data API requests through the node's
// whole handler (routing, path and query parsing, body limits, decoding).
// Every answer keeps the API's contract and never is a 5xx (the node leads
// every partition); a refused request leaves the stored data as it was; a
// value that was stored reads back under the same path.
func FuzzNodeDataAPI(f *testing.F) {
	for _, s := range dataFuzzSeeds {
		f.Add(s.method, s.target, []byte(s.body), s.idem)
	}
	n := startFuzzNode(f, 2, 1, 2)
	h := n.handler()
	f.Fuzz(func(t *testing.T, method, target string, body []byte, idem string) {
		if !dataTarget(target) {
			return
		}
		r := apitest.WireRequest(method, target, http.Header{HeaderIdempotencyKey: {idem}}, body)
		if r == nil {
			return
		}
		before := storedData(n)
		rec := serveRecorded(h, r)
		apitest.RequireAnswer(t, rec, nodeStatuses)
		if rec.Code/100 != 2 {
			require.Equal(t, before, storedData(n), "%s %s answered %d yet changed the data", method, target, rec.Code)
		}
		if r.Method == http.MethodPost && r.URL.Path == "/v1/txn" && !apitest.StrictJSON(body, &TxnRequest{}) {
			require.Equal(t, 4, rec.Code/100, "malformed transaction %q answered %d %s", body, rec.Code, rec.Body)
		}
		if r.Method == http.MethodPut && rec.Code == http.StatusOK && strings.HasPrefix(r.URL.EscapedPath(), kvPrefix) {
			requireReadBack(t, h, r.URL, body)
		}
	})
}

// requireReadBack checks that a GET of the path a PUT stored under answers
// the value stored.
func requireReadBack(t *testing.T, h http.Handler, u *url.URL, value []byte) {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.URL = &url.URL{Path: u.Path, RawPath: u.RawPath}
	rec := serveRecorded(h, r)
	require.Equal(t, http.StatusOK, rec.Code, "%s", rec.Body)
	require.Equal(t, string(value), rec.Body.String())
}

// dataFuzzSeeds are valid data API requests and near misses.
var dataFuzzSeeds = []struct {
	method, target, body, idem string
}{
	{"PUT", "/v1/kv/a", "v", ""},
	{"GET", "/v1/kv/a", "", ""},
	{"HEAD", "/v1/kv/a?consistency=stale", "", ""},
	{"DELETE", "/v1/kv/a?if_revision=0", "", "idem-1"},
	{"PUT", "/v1/kv/a?if_revision=18446744073709551616", "v", ""},
	{"PUT", "/v1/kv/..%2F..%2Fetc%2Fpasswd", "x", ""},
	{"PUT", "/v1/kv/../keep", "x", ""},
	{"PUT", "/v1/kv/%2e%2e/%2E%2E", "x", ""},
	{"PUT", "/v1/kv/bad%FF", "x", ""},
	{"PUT", "/v1/kv/%zz", "x", ""},
	{"PUT", "/v1/kv/", "x", ""},
	{"PUT", "/v1/kv/" + strings.Repeat("k", 65), "x", ""},
	{"PUT", "/v1/kv/big", strings.Repeat("v", 257), ""},
	{"PATCH", "/v1/kv/a", "", ""},
	{"GET", "/v1/kv/a?consistency=bogus", "", ""},
	{"PUT", "/v1/kv/a", "v", strings.Repeat("i", 300)},
	{"GET", "/v1/scan?prefix=a&limit=10", "", ""},
	{"GET", "/v1/scan?start=b&end=a", "", ""},
	{"GET", "/v1/scan?cursor=!!&limit=0", "", ""},
	{"GET", "/v1/scan?limit=99999999999999999999", "", ""},
	{"POST", "/v1/scan", "", ""},
	{"POST", "/v1/txn", `{"compare":[{"key":"a","target":"mod","op":"=","number":0}],"success":[{"op":"put","key":"a","value":"dg=="}],"failure":[{"op":"get","key":"a"}]}`, ""},
	{"POST", "/v1/txn", `{"success":[{"op":"put","key":"a","value":"dg=="},{"op":"put","key":"b","value":"dg=="}]}`, ""},
	{"POST", "/v1/txn", `{"success":[{"op":"delete","key":"{t}x","value":"dg=="}]}`, ""},
	{"POST", "/v1/txn", `{"success":[]} {}`, ""},
	{"POST", "/v1/txn", `{"success":[{"op":"get","key":"a"}]} ]`, ""},
	{"POST", "/v1/txn", `{"success":[{"op":"get","key":"\xff"}]}`, ""},
	{"POST", "/v1/txn", "{\"success\":[{\"op\":\"put\",\"key\":\"k\xff\",\"value\":\"dg==\"}]}", ""},
	{"GET", "/v1/partitions/1/scan?limit=51", "", ""},
	{"GET", "/v1/partitions/99/scan", "", ""},
	{"GET", "/v1/partitions/x/scan", "", ""},
	{"GET", "/v1/scanx", "", ""},
	{"GET", "/v1/txn/../scan", "", ""},
}
