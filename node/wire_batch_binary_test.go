package node

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treekv/kv/node/internal/apitest"
)

func TestBinaryBatchRoundTrips(t *testing.T) {
	ops := []BatchOp{
		{Method: http.MethodPut, Path: "/v1/kv/a%2Fb?if_revision=3", IdempotencyKey: "k1", Body: []byte("value")},
		{Method: http.MethodGet, Path: "/v1/kv/x?consistency=stale"},
		{Method: http.MethodDelete, Path: "/v1/kv/" + string(make([]byte, 300))},
	}
	got, err := ParseBatchRequest(AppendBatchRequest(nil, ops))
	require.NoError(t, err)
	assert.Equal(t, ops, got)

	results := []BatchResult{
		{Status: 200, Header: map[string]string{HeaderRevision: "7", HeaderNode: "n2"}, Body: []byte(`{"revision":7}`)},
		{Status: 404, Body: []byte(`{"error":{}}`)},
		{Status: 200},
	}
	back, err := ParseBatchResponse(AppendBatchResponse(nil, results))
	require.NoError(t, err)
	assert.Equal(t, results, back)
}

func TestBinaryBatchRefusesBadEncodings(t *testing.T) {
	valid := AppendBatchRequest(nil, []BatchOp{{Method: "GET", Path: "/v1/kv/a"}})
	for name, b := range map[string][]byte{
		"empty":                    {},
		"cut inside a field":       valid[:len(valid)-2],
		"bytes after the end":      append(append([]byte{}, valid...), 0),
		"count beyond the bytes":   {0xff, 0xff, 0x03},
		"field longer than left":   {1, 3, 'G', 'E', 'T', 200, 1},
		"uvarint that never ends":  {0x80, 0x80, 0x80},
		"count of a huge uvarint":  {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01},
		"a request of three parts": {1, 0, 0, 0},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseBatchRequest(b)
			require.Error(t, err)
		})
	}
	_, err := ParseBatchResponse([]byte{1, 0xe8, 0x07, 0, 0}) // status 1000
	require.ErrorContains(t, err, "over the limit")
}

// TestBinaryBatchAnswersAsJSON checks that a batch in the binary form is
// served as the same batch in JSON: same results, in the binary form.
func TestBinaryBatchAnswersAsJSON(t *testing.T) {
	n := startLoneLeader(t)
	h := n.handler()
	setup := sendBatch(t, h, batchPut("/v1/kv/a", "1"), batchPut("/v1/kv/b", "2"))
	require.Equal(t, http.StatusOK, setup[0].Status)
	ops := []BatchOp{batchGet("/v1/kv/a"), batchGet("/v1/kv/missing"), batchGet("/v1/kv/b?consistency=stale"),
		batchGet("/v1/kv/a?consistency=bogus")}
	want := sendBatch(t, h, ops...)

	header := http.Header{"Content-Type": {BatchContentType + "; v=1"}}
	rec := serveRecorded(h, apitest.WireRequest(http.MethodPost, "/v1/batch", header, AppendBatchRequest(nil, ops)))
	require.Equal(t, http.StatusOK, rec.Code, "%s", rec.Body)
	assert.Equal(t, BatchContentType, rec.Header().Get("Content-Type"))
	got, err := ParseBatchResponse(rec.Body.Bytes())
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

func TestBinaryBatchRefusedAsAWhole(t *testing.T) {
	n := startLoneLeader(t)
	h := n.handler()
	header := http.Header{"Content-Type": {BatchContentType}}
	for name, body := range map[string][]byte{
		"bad encoding": {1, 3, 'P', 'U', 'T'},
		"bad method":   AppendBatchRequest(nil, []BatchOp{batchPut("/v1/kv/first", "v"), {Method: "POST", Path: "/v1/kv/a"}}),
		"bad path":     AppendBatchRequest(nil, []BatchOp{batchPut("/v1/kv/first", "v"), {Method: "GET", Path: "/v1/kv/a b"}}),
	} {
		t.Run(name, func(t *testing.T) {
			rec := serveRecorded(h, apitest.WireRequest(http.MethodPost, "/v1/batch", header, body))
			require.Equal(t, http.StatusBadRequest, rec.Code, "%s", rec.Body)
			require.Equal(t, CodeBadRequest, errorOf(t, rec.Body.Bytes()).Code)
		})
	}
	rep, _ := n.Replica(1)
	_, ok := rep.FSM().Get("first")
	require.False(t, ok, "no refused batch stored its valid PUT")
}

// FuzzParseBatch checks that the binary decoders never panic, and that
// whatever they accept encodes back to the same bytes.
func FuzzParseBatch(f *testing.F) {
	f.Add(AppendBatchRequest(nil, []BatchOp{{Method: "PUT", Path: "/v1/kv/a", IdempotencyKey: "k", Body: []byte("v")}}))
	f.Add(AppendBatchResponse(nil, []BatchResult{{Status: 200, Header: map[string]string{"A": "b"}, Body: []byte("v")}}))
	f.Add([]byte{0xff, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		if ops, err := ParseBatchRequest(b); err == nil {
			require.Equal(t, b, AppendBatchRequest(nil, ops))
		}
		if results, err := ParseBatchResponse(b); err == nil {
			back, err := ParseBatchResponse(AppendBatchResponse(nil, results))
			require.NoError(t, err)
			require.Equal(t, results, back)
		}
	})
}

// FuzzBinaryBatchHandler is FuzzBatchHandler for bodies in the binary form:
// the same statuses (an encoding the decoder refuses is a 400), the same
// checks of a refused batch and of each result.
func FuzzBinaryBatchHandler(f *testing.F) {
	for _, body := range batchFuzzSeeds() {
		var req BatchRequest
		if json.Unmarshal([]byte(body), &req) == nil {
			f.Add(AppendBatchRequest(nil, req.Ops))
		}
	}
	n := startFuzzNode(f, 2, 1, 2)
	waitReadsReady(f, n)
	h := n.handler()
	header := http.Header{"Content-Type": {BatchContentType}}
	f.Fuzz(func(t *testing.T, body []byte) {
		before := storedData(n)
		rec := serveRecorded(h, apitest.WireRequest(http.MethodPost, "/v1/batch", header, body))
		apitest.RequireAnswer(t, rec, nodeStatuses)
		require.Equal(t, binaryBatchStatus(body), rec.Code, "%q answered %s", body, rec.Body)
		if rec.Code != http.StatusOK {
			require.Equal(t, before, storedData(n), "a refused batch changes nothing")
			return
		}
		ops, _ := ParseBatchRequest(body)
		require.Equal(t, BatchContentType, rec.Header().Get("Content-Type"))
		results, err := ParseBatchResponse(rec.Body.Bytes())
		require.NoError(t, err)
		require.Len(t, results, len(ops))
		requireBatchResults(t, h, ops, results)
		if !anyWriteApplied(ops, results) {
			require.Equal(t, before, storedData(n), "a batch without an applied write changes nothing")
		}
	})
}

// binaryBatchStatus is what POST /v1/batch answers a binary body with on
// the fuzz node, as batchStatus says for JSON.
func binaryBatchStatus(body []byte) int {
	if len(body) > fuzzLimits.MaxTxnSize {
		return http.StatusRequestEntityTooLarge
	}
	ops, err := ParseBatchRequest(body)
	if err != nil || len(ops) == 0 || len(ops) > MaxBatchOps {
		return http.StatusBadRequest
	}
	for _, op := range ops {
		if !wellFormedBatchOp(op) {
			return http.StatusBadRequest
		}
	}
	return http.StatusOK
}
