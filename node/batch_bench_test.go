package node

import (
	"net/http"
	"strconv"
	"testing"
)

// benchBatchOps is the size of the batches the benchmarks send: about what
// each of three nodes gets from 64 clients.
const benchBatchOps = 24

// benchBatch returns n requests of method on distinct keys, with query on
// each path and value as each body.
func benchBatch(n int, method, query string, value []byte) []BatchOp {
	ops := make([]BatchOp, n)
	for i := range ops {
		ops[i] = BatchOp{Method: method, Path: kvPrefix + benchKey(i) + query, Body: value}
		if value != nil {
			ops[i].IdempotencyKey = "bench-" + strconv.Itoa(i)
		}
	}
	return ops
}

// benchBatchPuts is the size of the batches of puts, which the bench
// node's body limit (2 KiB) holds.
const benchBatchPuts = 6

// BenchmarkServeBatch measures a binary POST /v1/batch of benchBatchOps
// stale or linearizable gets, or of benchBatchPuts puts, through the node's
// handler on the partition's leader; ns/op is per batch.
func BenchmarkServeBatch(b *testing.B) {
	h := benchNode(b)
	for name, ops := range map[string][]BatchOp{
		"stale-get-24": benchBatch(benchBatchOps, http.MethodGet, "?consistency=stale", nil),
		"get-24":       benchBatch(benchBatchOps, http.MethodGet, "", nil),
		"put-6":        benchBatch(benchBatchPuts, http.MethodPut, "", benchValue),
	} {
		b.Run(name, func(b *testing.B) {
			br := newBenchRequest(http.MethodPost, "/v1/batch", AppendBatchRequest(nil, ops))
			br.r.Header.Set("Content-Type", BatchContentType)
			b.ReportAllocs()
			for round := 0; b.Loop(); round++ {
				if ops[0].Method == http.MethodPut { // a new write each time, not an answer replayed
					for i := range ops {
						ops[i].IdempotencyKey = "bench-" + strconv.Itoa(round) + "-" + strconv.Itoa(i)
					}
					br.data = AppendBatchRequest(br.data[:0], ops)
					br.r.ContentLength = int64(len(br.data))
				}
				br.serve(b, h, http.StatusOK)
			}
		})
	}
}

// BenchmarkBatchCodec measures the binary form of a batch of benchBatchOps
// puts and of its answer, both ways.
func BenchmarkBatchCodec(b *testing.B) {
	ops := benchBatch(benchBatchOps, http.MethodPut, "", benchValue)
	results := make([]BatchResult, benchBatchOps)
	for i := range results {
		results[i] = BatchResult{Status: http.StatusOK, Header: map[string]string{HeaderNode: "n1"},
			Body: []byte(`{"revision":12345}`)}
	}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendBatchRequest(buf[:0], ops)
		if _, err := ParseBatchRequest(buf); err != nil {
			b.Fatal(err)
		}
		buf = AppendBatchResponse(buf[:0], results)
		if _, err := ParseBatchResponse(buf); err != nil {
			b.Fatal(err)
		}
	}
}
