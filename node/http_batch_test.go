package node

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/node/internal/apitest"
	"github.com/treekv/kv/node/part"
)

func batchPut(path, value string) BatchOp {
	return BatchOp{Method: http.MethodPut, Path: path, Body: []byte(value)}
}

func batchGet(path string) BatchOp { return BatchOp{Method: http.MethodGet, Path: path} }

func batchDelete(path string) BatchOp { return BatchOp{Method: http.MethodDelete, Path: path} }

// postBatch sends body to POST /v1/batch through h, read as a server reads
// it off the wire, and returns the recorded answer.
func postBatch(t *testing.T, h http.Handler, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	r := apitest.WireRequest(http.MethodPost, "/v1/batch", http.Header{}, body)
	require.NotNil(t, r)
	return serveRecorded(h, r)
}

// sendBatch sends ops as one batch through h and returns the results of its
// 200 answer.
func sendBatch(t *testing.T, h http.Handler, ops ...BatchOp) []BatchResult {
	t.Helper()
	body, err := json.Marshal(BatchRequest{Ops: ops})
	require.NoError(t, err)
	rec := postBatch(t, h, body)
	return batchAnswer(t, rec.Code, rec.Header(), rec.Body.Bytes(), len(ops))
}

// sendAlone sends op through h as a request of its own.
func sendAlone(t *testing.T, h http.Handler, op BatchOp) *httptest.ResponseRecorder {
	t.Helper()
	header := http.Header{}
	if op.IdempotencyKey != "" {
		header.Set(HeaderIdempotencyKey, op.IdempotencyKey)
	}
	r := apitest.WireRequest(op.Method, op.Path, header, op.Body)
	require.NotNil(t, r, "%s %s", op.Method, op.Path)
	return serveRecorded(h, r)
}

// requireSameAnswer requires that got, the result of a request in a batch,
// is the answer alone the request had: its status, the headers of
// BatchHeaders it set and its body.
func requireSameAnswer(t *testing.T, alone *httptest.ResponseRecorder, got BatchResult, what string) {
	t.Helper()
	want := aloneResult(alone)
	require.Equal(t, want.Status, got.Status, "%s: status; body %s", what, got.Body)
	require.Equal(t, want.Header, got.Header, "%s: headers", what)
	require.Equal(t, string(want.Body), string(got.Body), "%s: body", what)
}

// revisionOf returns the revision of a PUT or DELETE answer.
func revisionOf(t *testing.T, body []byte) uint64 {
	t.Helper()
	var res DeleteResponse
	require.NoError(t, json.Unmarshal(body, &res), "%s", body)
	require.NotZero(t, res.Revision, "%s", body)
	return res.Revision
}

// batchSetup is the state TestBatchAnswersAsAlone starts from.
var batchSetup = []BatchOp{
	batchPut("/v1/kv/keep", "kept"),
	batchPut("/v1/kv/dir%2Fold", "old"),
	batchPut("/v1/kv/cas-ok", "before"),
	batchPut("/v1/kv/cas-bad", "before"),
	batchPut("/v1/kv/gone", "doomed"),
}

// startSetupNode starts a node leading the one partition of its map, waits
// for its leadership barrier, so that no entry of its own lands among the
// test's, writes batchSetup and returns the revision of each by path.
func startSetupNode(t *testing.T) (*Node, map[string]uint64) {
	t.Helper()
	n := startFuzzNode(t, 1, 1)
	h := n.handler()
	waitReadsReady(t, n)
	revs := map[string]uint64{}
	for _, op := range batchSetup {
		rec := sendAlone(t, h, op)
		require.Equal(t, http.StatusOK, rec.Code, "%s", rec.Body)
		revs[op.Path] = revisionOf(t, rec.Body.Bytes())
	}
	return n, revs
}

// batchCase is one request of a batch and the status it must answer.
type batchCase struct {
	op     BatchOp
	status int
}

func opsOf(cases []batchCase) []BatchOp {
	ops := make([]BatchOp, len(cases))
	for i, c := range cases {
		ops[i] = c.op
	}
	return ops
}

// mixedBatch is the batch of TestBatchAnswersAsAlone: each key is written
// at most once, and no key read is written, so the answers do not depend
// on the order in which the requests are served, only their revisions do.
func mixedBatch(revs map[string]uint64) []batchCase {
	return []batchCase{
		{batchPut("/v1/kv/dir/new", "slash"), http.StatusOK},
		{batchPut("/v1/kv/100%25%20sure%3F", "percent"), http.StatusOK},
		{BatchOp{Method: http.MethodPut, Path: "/v1/kv/idem", IdempotencyKey: "idem-1", Body: []byte("once")}, http.StatusOK},
		{batchGet("/v1/kv/keep"), http.StatusOK},
		{batchGet("/v1/kv/dir%2Fold?consistency=stale"), http.StatusOK},
		{batchPut(fmt.Sprintf("/v1/kv/cas-ok?if_revision=%d", revs["/v1/kv/cas-ok"]), "swapped"), http.StatusOK},
		{batchPut(fmt.Sprintf("/v1/kv/cas-bad?if_revision=%d", revs["/v1/kv/cas-ok"]), "lost"), http.StatusConflict},
		{batchPut("/v1/kv/fresh?if_revision=0", "created"), http.StatusOK},
		{batchDelete("/v1/kv/gone"), http.StatusOK},
		{batchDelete("/v1/kv/never"), http.StatusOK},
		{batchGet("/v1/kv/missing"), http.StatusNotFound},
		{batchGet("/v1/kv/keep?consistency=bogus"), http.StatusBadRequest},
	}
}

// replayOrder returns the order in which to send ops alone so that each
// meets the state it met in the batch: first the compares refused (409),
// which change nothing, then the writes that reached the log (a PUT or
// DELETE answered 200) by the revision they took, then the others, which
// read keys the batch does not write or were refused before reaching the
// log. Writes of a batch to one partition may share a revision, but never
// a key.
func replayOrder(t *testing.T, base uint64, ops []BatchOp, results []BatchResult) []int {
	t.Helper()
	var applied, refused, rest []int
	for i, op := range ops {
		switch {
		case op.Method == http.MethodGet:
			rest = append(rest, i)
		case results[i].Status == http.StatusOK:
			applied = append(applied, i)
		case results[i].Status == http.StatusConflict:
			refused = append(refused, i)
		default:
			rest = append(rest, i)
		}
	}
	keysAt := map[uint64]map[string]bool{}
	for _, i := range applied {
		rev := revisionOf(t, results[i].Body)
		require.Greater(t, rev, base, "request %d: revision after the setup's", i)
		if keysAt[rev] == nil {
			keysAt[rev] = map[string]bool{}
		}
		require.False(t, keysAt[rev][ops[i].Path], "two writes of %s with revision %d", ops[i].Path, rev)
		keysAt[rev][ops[i].Path] = true
	}
	slices.SortStableFunc(applied, func(a, b int) int {
		return cmp.Compare(revisionOf(t, results[a].Body), revisionOf(t, results[b].Body))
	})
	return slices.Concat(refused, applied, rest)
}

// revisionMap maps the revision each write of the batch took alone to the
// one it took in the batch, requiring that the order of revisions is kept.
func revisionMap(t *testing.T, ops []BatchOp, results []BatchResult, alone []*httptest.ResponseRecorder) map[uint64]uint64 {
	t.Helper()
	m := map[uint64]uint64{}
	for i := range ops {
		if ops[i].Method != http.MethodGet && results[i].Status == http.StatusOK && alone[i].Code == http.StatusOK {
			m[revisionOf(t, alone[i].Body.Bytes())] = revisionOf(t, results[i].Body)
		}
	}
	for a1, b1 := range m {
		for a2, b2 := range m {
			require.False(t, a1 < a2 && b1 > b2, "alone %d before %d, in the batch %d after %d", a1, a2, b1, b2)
		}
	}
	return m
}

// withRevisions returns rec's answer with the revision of its body, if it
// is a write's, replaced as m says.
func withRevisions(t *testing.T, rec *httptest.ResponseRecorder, m map[uint64]uint64) *httptest.ResponseRecorder {
	t.Helper()
	var body map[string]any
	if json.Unmarshal(rec.Body.Bytes(), &body) != nil {
		return rec
	}
	rev, ok := body["revision"].(float64)
	if to, mapped := m[uint64(rev)]; ok && mapped {
		body["revision"] = to
		b, err := json.Marshal(body)
		require.NoError(t, err)
		out := httptest.NewRecorder()
		maps.Copy(out.Header(), rec.Header())
		out.Code, out.Body = rec.Code, bytes.NewBuffer(append(b, '\n'))
		return out
	}
	return rec
}

// withEntryRevisions returns data with its entries' revisions replaced as m says.
func withEntryRevisions(data map[uint64][]Entry, m map[uint64]uint64) map[uint64][]Entry {
	for _, entries := range data {
		for i := range entries {
			if to, ok := m[entries[i].ModRevision]; ok {
				entries[i].ModRevision = to
			}
			if to, ok := m[entries[i].CreateRevision]; ok {
				entries[i].CreateRevision = to
			}
		}
	}
	return data
}

// TestBatchAnswersAsAlone sends a batch of every kind of request to one
// node and the same requests alone to another in the same state, in the
// order the batch applied them: each result is the answer alone, up to the
// revisions (writes of a batch to one partition share one), the results
// come in request order, and both nodes end with the same data.
func TestBatchAnswersAsAlone(t *testing.T) {
	batchNode, revs := startSetupNode(t)
	aloneNode, aloneRevs := startSetupNode(t)
	require.Equal(t, revs, aloneRevs, "both nodes start from the same state")
	cases := mixedBatch(revs)
	ops := opsOf(cases)
	results := sendBatch(t, batchNode.handler(), ops...)
	alone := make([]*httptest.ResponseRecorder, len(ops))
	base := revs[batchSetup[len(batchSetup)-1].Path]
	for _, i := range replayOrder(t, base, ops, results) {
		alone[i] = sendAlone(t, aloneNode.handler(), ops[i])
	}
	revMap := revisionMap(t, ops, results, alone)
	for i, c := range cases {
		t.Run(fmt.Sprintf("%d %s %s", i, c.op.Method, c.op.Path), func(t *testing.T) {
			require.Equal(t, c.status, results[i].Status, "%s", results[i].Body)
			requireSameAnswer(t, withRevisions(t, alone[i], revMap), results[i], c.op.Method+" "+c.op.Path)
		})
	}
	require.Equal(t, withEntryRevisions(storedData(aloneNode), revMap), storedData(batchNode), "the batch applied what the requests alone did")
	requireMixedWrites(t, batchNode)
}

// requireMixedWrites reads back from n's store what mixedBatch wrote.
func requireMixedWrites(t *testing.T, n *Node) {
	t.Helper()
	rep, ok := n.Replica(1)
	require.True(t, ok)
	want := map[string]string{"dir/new": "slash", "100% sure?": "percent", "idem": "once",
		"cas-ok": "swapped", "cas-bad": "before", "fresh": "created", "keep": "kept"}
	for key, value := range want {
		e, ok := rep.FSM().Get(key)
		require.True(t, ok, "key %q", key)
		require.Equal(t, value, string(e.Value), "key %q", key)
	}
	for _, key := range []string{"gone", "never", "missing"} {
		_, ok := rep.FSM().Get(key)
		require.False(t, ok, "key %q", key)
	}
}

// startLoneLeader starts node n1, with the default limits, leading the one
// partition of its map.
func startLoneLeader(t *testing.T) *Node {
	t.Helper()
	n := startTestNode(t, "n1")
	m, err := part.Plan(part.PlanConfig{Partitions: 1, Replicas: 1, Nodes: []part.NodeInfo{n.Info()}})
	require.NoError(t, err)
	require.NoError(t, n.SetMap(m))
	require.NoError(t, n.CreateReplica(1, true))
	require.Eventually(t, func() bool {
		rep, _ := n.Replica(1)
		return rep.Ready()
	}, tcpWait, tcpTick, "n1 leads partition 1")
	return n
}

// TestBatchRefusesInvalid checks that a batch with one bad request, or
// that is not one BatchRequest, is refused with 400 bad_request, and that
// none of its requests, even a valid one before the fault, is served.
func TestBatchRefusesInvalid(t *testing.T) {
	n := startLoneLeader(t)
	h := n.handler()
	for name, body := range invalidBatches() {
		t.Run(name, func(t *testing.T) {
			before := storedData(n)
			rec := postBatch(t, h, []byte(body))
			require.Equal(t, http.StatusBadRequest, rec.Code, "%s", rec.Body)
			require.Equal(t, CodeBadRequest, errorOf(t, rec.Body.Bytes()).Code)
			require.Equal(t, "application/json", rec.Header().Get("Content-Type"))
			require.Equal(t, before, storedData(n), "a refused batch changes nothing")
		})
	}
	rep, _ := n.Replica(1)
	_, ok := rep.FSM().Get("first")
	require.False(t, ok, "no refused batch stored its valid PUT")
	results := sendBatch(t, h, batchPut("/v1/kv/first", "v"))
	require.Equal(t, http.StatusOK, results[0].Status, "the same PUT in a valid batch is served")
	_, ok = rep.FSM().Get("first")
	require.True(t, ok)
}

// paddedBatch is a batch of one valid PUT of key, padded with spaces to size
// bytes.
func paddedBatch(key string, size int) []byte {
	b := []byte(opsJSON(putJSON(key)))
	return append(b, bytes.Repeat([]byte(" "), size-len(b))...)
}

// TestBatchBodyLimit checks that a body over Limits.MaxTxnSize is refused
// with 413 too_large, whether its length is declared or not, and nothing
// of it is served, while a body of exactly the limit is served.
func TestBatchBodyLimit(t *testing.T) {
	n := startFuzzNode(t, 1, 1)
	h := n.handler()
	limit := fuzzLimits.MaxTxnSize
	rep, _ := n.Replica(1)
	cases := []struct {
		name, key    string
		size, status int
		declared     bool
	}{
		{"one byte over, length declared", "over", limit + 1, http.StatusRequestEntityTooLarge, true},
		{"one byte over, length unknown", "chunked", limit + 1, http.StatusRequestEntityTooLarge, false},
		{"far over", "far", 64 << 10, http.StatusRequestEntityTooLarge, true},
		{"at the limit", "at", limit, http.StatusOK, true},
		{"at the limit, length unknown", "at-chunked", limit, http.StatusOK, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := paddedBatch(c.key, c.size)
			r := httptest.NewRequest(http.MethodPost, "/v1/batch", struct{ io.Reader }{bytes.NewReader(body)})
			if c.declared {
				r.ContentLength = int64(len(body))
			}
			rec := serveRecorded(h, r)
			require.Equal(t, c.status, rec.Code, "%s", rec.Body)
			_, stored := rep.FSM().Get(c.key)
			require.Equal(t, c.status == http.StatusOK, stored, "the PUT is served only if the batch is")
			if c.status != http.StatusOK {
				require.Equal(t, CodeTooLarge, errorOf(t, rec.Body.Bytes()).Code)
			}
		})
	}
}

// TestBatchIdempotentPut checks that a PUT carrying an idempotency key is
// applied once however often it comes, in batches or alone, and that every
// time it answers as it did first.
func TestBatchIdempotentPut(t *testing.T) {
	n := startFuzzNode(t, 1, 1)
	h := n.handler()
	rep, _ := n.Replica(1)
	one := func(op BatchOp) []BatchResult { return sendBatch(t, h, op) }
	cases := []struct {
		name        string
		first, then func(op BatchOp) []BatchResult
	}{
		{"in two batches", one, one},
		{"twice in one batch", func(op BatchOp) []BatchResult { return sendBatch(t, h, op, op) }, one},
		{"alone, then in a batch", func(op BatchOp) []BatchResult {
			return []BatchResult{aloneResult(sendAlone(t, h, op))}
		}, func(op BatchOp) []BatchResult { return sendBatch(t, h, op, op) }},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			key := fmt.Sprintf("idem-%d", i)
			op := BatchOp{Method: http.MethodPut, Path: kvPrefix + key, IdempotencyKey: "retry-" + key, Body: []byte("v")}
			results := c.first(op)
			first := results[0]
			require.Equal(t, http.StatusOK, first.Status, "%s", first.Body)
			require.Equal(t, http.StatusOK, sendAlone(t, h, batchPut("/v1/kv/other", "x")).Code, "the log moves on")
			for _, again := range append(results, c.then(op)...) {
				require.Equal(t, first, again, "a retry answers as the first did")
			}
			e, ok := rep.FSM().Get(key)
			require.True(t, ok)
			require.Equal(t, revisionOf(t, first.Body), e.ModRevision)
			require.Equal(t, uint64(1), e.Version, "applied once")
		})
	}
}

// forwardedBatch is the batch TestBatchForwardsToLeader sends, with the
// status each request answers; p prefixes the keys it writes.
func forwardedBatch(p string) []batchCase {
	return []batchCase{
		{BatchOp{Method: http.MethodPut, Path: "/v1/kv/" + p + "a", IdempotencyKey: p + "a", Body: []byte("A")}, http.StatusOK},
		{batchGet("/v1/kv/seed"), http.StatusOK},
		{batchGet("/v1/kv/" + p + "missing"), http.StatusNotFound},
		{batchPut("/v1/kv/seed?if_revision=1", "lost"), http.StatusConflict},
		{batchDelete("/v1/kv/" + p + "none"), http.StatusOK},
	}
}

// TestBatchForwardsToLeader sends batches over TCP to the follower of a
// two-node group and to a node without a replica: every request is
// forwarded to the leader, answers as the leader answers it, and the
// writes are applied there.
func TestBatchForwardsToLeader(t *testing.T) {
	n1, n2, m := startPair(t)
	leader, follower := waitPair(t, n1, n2)
	waitReadsReady(t, leader)
	n3 := startTestNode(t, "n3")
	require.NoError(t, n3.SetMap(m))
	status, body := adminCall(t, leader, http.MethodPut, "/v1/kv/seed", "seeded")
	require.Equal(t, http.StatusOK, status, "%s", body)
	rep, _ := leader.Replica(1)
	for _, via := range []*Node{follower, n3} {
		t.Run("via "+via.ID(), func(t *testing.T) {
			cases := forwardedBatch(via.ID() + "-")
			results := sendBatchTCP(t, via, cases)
			for i, c := range cases {
				require.Equal(t, c.status, results[i].Status, "%s %s: %s", c.op.Method, c.op.Path, results[i].Body)
				require.Equal(t, leader.ID(), results[i].Header[HeaderNode], "%s %s served by the leader", c.op.Method, c.op.Path)
			}
			require.Equal(t, "seeded", string(results[1].Body))
			e, ok := rep.FSM().Get(via.ID() + "-a")
			require.True(t, ok, "the forwarded PUT is applied on the leader")
			require.Equal(t, "A", string(e.Value))
			require.Equal(t, revisionOf(t, results[0].Body), e.ModRevision)
		})
	}
}

// sendBatchTCP sends the requests of cases as one batch to n's HTTP
// address and returns the results of its 200 answer.
func sendBatchTCP(t *testing.T, n *Node, cases []batchCase) []BatchResult {
	t.Helper()
	ops := opsOf(cases)
	body, err := json.Marshal(BatchRequest{Ops: ops})
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, "http://"+n.HTTPAddr()+"/v1/batch", bytes.NewReader(body))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return batchAnswer(t, resp.StatusCode, resp.Header, answer, len(ops))
}

// The request rate a node reports counts each request of a batch once, and
// not the batch itself.
func TestBatchCountsItsRequestsInTheRate(t *testing.T) {
	n := startLoneLeader(t)
	now := time.Unix(1000, 0)
	n.metrics.rate = newRateMeter(func() time.Time { return now })
	results := sendBatch(t, n.handler(), batchPut("/v1/kv/a", "1"), batchGet("/v1/kv/a"), batchDelete("/v1/kv/b"))
	require.Len(t, results, 3)
	now = now.Add(time.Second)
	require.Equal(t, 3.0, n.metrics.rate.rate(), "three requests in the last second")
}
