package node

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/node/internal/apitest"
)

// FuzzBatchHandler sends arbitrary bodies to POST /v1/batch through the
// node's whole handler, on a node that leads both partitions of its map.
// The answer keeps the API's contract and is never a 5xx: 413 past
// Limits.MaxTxnSize, 400 bad_request for anything but one BatchRequest of 1
// to MaxBatchOps well-formed requests, else 200; a refused batch changes
// nothing. A 200 holds one result per request, each itself an answer of
// the contract, with only BatchHeaders and a status its method may answer;
// a batch none of whose writes answered 200 changes nothing; and a value a
// PUT stored, the batch's only write of its key, reads back.
func FuzzBatchHandler(f *testing.F) {
	for _, body := range batchFuzzSeeds() {
		f.Add([]byte(body))
	}
	n := startFuzzNode(f, 2, 1, 2)
	waitReadsReady(f, n)
	h := n.handler()
	f.Fuzz(func(t *testing.T, body []byte) {
		r := apitest.WireRequest(http.MethodPost, "/v1/batch", http.Header{}, body)
		require.NotNil(t, r)
		before := storedData(n)
		rec := serveRecorded(h, r)
		apitest.RequireAnswer(t, rec, nodeStatuses)
		require.Equal(t, batchStatus(body), rec.Code, "%q answered %s", body, rec.Body)
		if rec.Code != http.StatusOK {
			require.Equal(t, before, storedData(n), "a refused batch changes nothing")
			return
		}
		var req BatchRequest
		require.NoError(t, json.Unmarshal(body, &req))
		results := batchAnswer(t, rec.Code, rec.Header(), rec.Body.Bytes(), len(req.Ops))
		requireBatchResults(t, h, req.Ops, results)
		if !anyWriteApplied(req.Ops, results) {
			require.Equal(t, before, storedData(n), "a batch without an applied write changes nothing")
		}
	})
}

// batchStatus is the status POST /v1/batch answers body with on the fuzz
// node: 413 past the size limit, 400 unless it is one BatchRequest of 1 to
// MaxBatchOps well-formed requests, else 200.
func batchStatus(body []byte) int {
	if len(body) > fuzzLimits.MaxTxnSize {
		return http.StatusRequestEntityTooLarge
	}
	var req BatchRequest
	if !apitest.StrictJSON(body, &req) || len(req.Ops) == 0 || len(req.Ops) > MaxBatchOps {
		return http.StatusBadRequest
	}
	for _, op := range req.Ops {
		if !wellFormedBatchOp(op) {
			return http.StatusBadRequest
		}
	}
	return http.StatusOK
}

// wellFormedBatchOp reports whether op is a request a batch may carry: GET,
// PUT or DELETE, a body only on PUT, a path under /v1/kv/ of printable
// ASCII (no space) that parses as a URL and has no fragment, and an
// idempotency key of printable ASCII or tabs.
func wellFormedBatchOp(op BatchOp) bool {
	switch op.Method {
	case http.MethodGet, http.MethodDelete:
		if len(op.Body) > 0 {
			return false
		}
	case http.MethodPut:
	default:
		return false
	}
	_, err := url.Parse(op.Path)
	return err == nil && strings.HasPrefix(op.Path, kvPrefix) && !strings.Contains(op.Path, "#") &&
		printableASCII(op.Path, false) && printableASCII(op.IdempotencyKey, true)
}

// printableASCII reports whether s holds only the bytes '!' to '~', and
// spaces and tabs when blanks is set.
func printableASCII(s string, blanks bool) bool {
	for i := range len(s) {
		c := s[i]
		if (c < '!' || c > '~') && !(blanks && (c == ' ' || c == '\t')) {
			return false
		}
	}
	return true
}

// batchOpStatuses are the statuses a request of each method may answer on
// a node that leads every partition.
var batchOpStatuses = map[string][]int{
	http.MethodGet:    {http.StatusOK, http.StatusBadRequest, http.StatusNotFound, http.StatusRequestEntityTooLarge},
	http.MethodPut:    {http.StatusOK, http.StatusBadRequest, http.StatusConflict, http.StatusRequestEntityTooLarge},
	http.MethodDelete: {http.StatusOK, http.StatusBadRequest, http.StatusConflict, http.StatusRequestEntityTooLarge},
}

// requireBatchResults checks each result of a batch of ops served through
// h, and reads back each value a PUT stored when no other request of the
// batch writes its key.
func requireBatchResults(t *testing.T, h http.Handler, ops []BatchOp, results []BatchResult) {
	t.Helper()
	writes := map[string]int{}
	for _, op := range ops {
		if op.Method != http.MethodGet {
			writes[keyOfPath(op.Path)]++
		}
	}
	for i, op := range ops {
		requireResultAnswer(t, op, results[i])
		if op.Method == http.MethodPut && results[i].Status == http.StatusOK && writes[keyOfPath(op.Path)] == 1 {
			u, err := url.Parse(op.Path)
			require.NoError(t, err)
			requireReadBack(t, h, u, op.Body)
		}
	}
}

// requireResultAnswer checks that res, the result of op, is an answer of
// the API's contract that op's method may give, with only BatchHeaders.
func requireResultAnswer(t *testing.T, op BatchOp, res BatchResult) {
	t.Helper()
	rec := httptest.NewRecorder()
	for name, v := range res.Header {
		require.Contains(t, BatchHeaders, name)
		rec.Header().Set(name, v)
	}
	rec.WriteHeader(res.Status)
	_, _ = rec.Write(res.Body)
	apitest.RequireAnswer(t, rec, nodeStatuses)
	require.Contains(t, batchOpStatuses[op.Method], res.Status, "%s %s answered %s", op.Method, op.Path, res.Body)
}

// keyOfPath returns the key a well-formed path of a batch names, as the
// node reads it.
func keyOfPath(path string) string {
	u, err := url.Parse(path)
	if err != nil {
		return ""
	}
	key, _ := url.PathUnescape(strings.TrimPrefix(u.EscapedPath(), kvPrefix))
	return key
}

// anyWriteApplied reports whether a PUT or DELETE of ops answered 200.
func anyWriteApplied(ops []BatchOp, results []BatchResult) bool {
	for i, op := range ops {
		if op.Method != http.MethodGet && results[i].Status == http.StatusOK {
			return true
		}
	}
	return false
}

// batchFuzzSeeds are valid batches, batches with requests that fail on
// their own, and the batches refused as a whole of invalidBatches that fit
// the fuzz node's size limit.
func batchFuzzSeeds() []string {
	seeds := []string{
		opsJSON(putJSON("a"), `{"method":"GET","path":"/v1/kv/a"}`, `{"method":"DELETE","path":"/v1/kv/b?if_revision=0"}`),
		opsJSON(`{"method":"PUT","path":"/v1/kv/a%2Fb?if_revision=0","idempotency_key":"i-1","body":"dg=="}`,
			`{"method":"GET","path":"/v1/kv/a/b?consistency=stale"}`, `{"method":"GET","path":"/v1/kv/missing"}`),
		opsJSON(putJSON("100%25%20sure"), putJSON("100%25%20sure"), `{"method":"DELETE","path":"/v1/kv/100%25%20sure"}`),
		opsJSON(putJSON("{t}x"), `{"method":"PUT","path":"/v1/kv/{t}y?if_revision=18446744073709551615"}`),
		opsJSON(putJSON(""), putJSON("%FF"), putJSON(strings.Repeat("k", 65)), putJSON("a?if_revision=x")),
		opsJSON(`{"method":"GET","path":"/v1/kv/a?consistency=bogus"}`, `{"method":"GET","path":"/v1/kv/..%2F..%2Fetc"}`),
		opsJSON(`{"method":"PUT","path":"/v1/kv/big","body":"` + strings.Repeat("dmFs", 90) + `"}`),
		opsJSON(`{"method":"PUT","path":"/v1/kv/a","idempotency_key":"` + strings.Repeat("i", 300) + `"}`),
		`{"OPS":[{"METHOD":"PUT","Path":"/v1/kv/case"}]}`,
	}
	for _, body := range invalidBatches() {
		if len(body) <= fuzzLimits.MaxTxnSize {
			seeds = append(seeds, body)
		}
	}
	slices.Sort(seeds)
	return seeds
}

// putJSON is a valid PUT of a batch, as JSON.
func putJSON(key string) string {
	return `{"method":"PUT","path":"/v1/kv/` + key + `","body":"dg=="}`
}

func opsJSON(ops ...string) string { return `{"ops":[` + strings.Join(ops, ",") + `]}` }

// invalidBatches are bodies of POST /v1/batch refused as a whole; where a
// request comes before the fault, it is a valid PUT of the key "first".
func invalidBatches() map[string]string {
	first := putJSON("first")
	manyOps := []string{first}
	for range MaxBatchOps {
		manyOps = append(manyOps, `{"method":"GET","path":"/v1/kv/a"}`)
	}
	op := func(o string) string { return opsJSON(first, o) }
	return map[string]string{
		"no ops": `{"ops":[]}`, "ops missing": `{}`, "ops null": `{"ops":null}`, "empty body": ``,
		"more than MaxBatchOps": opsJSON(manyOps...),
		"method POST":           op(`{"method":"POST","path":"/v1/kv/a"}`),
		"method HEAD":           op(`{"method":"HEAD","path":"/v1/kv/a"}`),
		"method in lower case":  op(`{"method":"get","path":"/v1/kv/a"}`),
		"no method":             op(`{"path":"/v1/kv/a"}`),
		"path of another route": op(`{"method":"GET","path":"/v1/scan?prefix=a"}`),
		"path near /v1/kv/":     op(`{"method":"GET","path":"/v1/kvx/a"}`),
		"relative path":         op(`{"method":"GET","path":"v1/kv/a"}`),
		"absolute URL":          op(`{"method":"GET","path":"http://n2/v1/kv/a"}`),
		"no path":               op(`{"method":"GET"}`),
		"fragment in path":      op(`{"method":"GET","path":"/v1/kv/a#b"}`),
		"NUL in path":           op(`{"method":"GET","path":"/v1/kv/a\u0000"}`),
		"control byte in path":  op(`{"method":"GET","path":"/v1/kv/a\u0007"}`),
		"invalid escape":        op(`{"method":"GET","path":"/v1/kv/%zz"}`),
		"space in path":         op(`{"method":"GET","path":"/v1/kv/a b"}`),
		"non-ASCII in path":     op(`{"method":"GET","path":"/v1/kv/é"}`),
		"newline in idem key":   op(`{"method":"PUT","path":"/v1/kv/a","idempotency_key":"k\nx","body":"dg=="}`),
		"body on GET":           op(`{"method":"GET","path":"/v1/kv/a","body":"dg=="}`),
		"body on DELETE":        op(`{"method":"DELETE","path":"/v1/kv/a","body":"dg=="}`),
		"body not base64":       op(`{"method":"PUT","path":"/v1/kv/a","body":"!!"}`),
		"unknown field in op":   op(`{"method":"PUT","path":"/v1/kv/a","value":"dg=="}`),
		"unknown batch field":   `{"ops":[` + first + `],"atomic":true}`,
		"trailing object":       opsJSON(first) + ` {}`,
		"trailing garbage":      opsJSON(first) + `x`,
		"invalid UTF-8":         op("{\"method\":\"GET\",\"path\":\"/v1/kv/\xff\"}"),
		"malformed JSON":        `{"ops":[` + first + `,`,
		"wrong type":            op(`{"method":1,"path":"/v1/kv/a"}`),
		"array of ops":          `[` + first + `]`,
	}
}

// batchAnswer requires a 200 answer whose body is a BatchResponse of n
// results, and returns them.
func batchAnswer(t *testing.T, status int, header http.Header, body []byte, n int) []BatchResult {
	t.Helper()
	require.Equal(t, http.StatusOK, status, "%s", body)
	require.Equal(t, "application/json", header.Get("Content-Type"))
	var resp BatchResponse
	require.True(t, apitest.StrictJSON(body, &resp), "answer %s", body)
	require.Len(t, resp.Results, n)
	return resp.Results
}

// waitReadsReady waits until every replica of n leads and has applied its
// leadership barrier: from then on it serves linearizable reads, and
// appends nothing to its log of its own.
func waitReadsReady(tb testing.TB, n *Node) {
	tb.Helper()
	require.Eventually(tb, func() bool {
		for _, rs := range n.Replicas() {
			rep, ok := n.Replica(rs.Partition)
			if !ok {
				return false
			}
			if leader, ready, _ := rep.lead.current(); !leader || !ready {
				return false
			}
		}
		return true
	}, tcpWait, tcpTick, "the replicas of %s serve linearizable reads", n.ID())
}

// aloneResult is an answer as a batch would carry it: its status, the
// headers of BatchHeaders it set (none: nil) and its body.
func aloneResult(rec *httptest.ResponseRecorder) BatchResult {
	res := BatchResult{Status: rec.Code, Body: rec.Body.Bytes()}
	for _, name := range BatchHeaders {
		if v := rec.Header().Get(name); v != "" {
			if res.Header == nil {
				res.Header = map[string]string{}
			}
			res.Header[name] = v
		}
	}
	return res
}
