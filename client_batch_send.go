package kv

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"

	"github.com/treekv/kv/node"
)

// batchFailure is why a batch request failed as a whole, for each call in
// it to report.
type batchFailure struct {
	err       error
	retryable bool
	maybeDone bool
}

// of is the failure as the attempt of the call a reports it.
func (f *batchFailure) of(a *apiCall) *attemptFailure {
	return &attemptFailure{err: fmt.Errorf("kv: %s (in a batch): %w", a.target(), f.err),
		retryable: f.retryable, maybeDone: f.maybeDone}
}

// tryBatch sends the calls of batch to the node at base in one POST
// /v1/batch. It returns one result per call when the node answered them; a
// failure when the request broke on the way or the answer is malformed; or
// neither when the node refused the batch as a whole (refused says it has
// no batch endpoint), so that each call goes alone. The request outlives
// any one call's context, a call that gives up leaving the others waiting,
// but not the last of their deadlines (see batchContext).
func (c *Client) tryBatch(base string, batch []*batchCall) (results []node.BatchResult, f *batchFailure, refused bool) {
	ops := make([]node.BatchOp, len(batch))
	for i, call := range batch {
		ops[i] = batchOp(call.a, call.idem)
	}
	body := node.AppendBatchRequest(make([]byte, 0, batchRequestSize(ops)), ops)
	var connected atomic.Bool
	trace := &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { connected.Store(true) }}
	ctx, cancel := batchContext(batch)
	defer cancel()
	ctx = httptrace.WithClientTrace(ctx, trace)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/v1/batch", bytes.NewReader(body))
	if err != nil {
		return nil, &batchFailure{err: err}, false
	}
	req.Header.Set("Content-Type", node.BatchContentType)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, &batchFailure{err: err, retryable: true, maybeDone: connected.Load()}, false
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBytes))
		return nil, nil, resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed
	}
	results, f = readBatchAnswer(resp, len(batch))
	return results, f, false
}

// batchRequestSize is about the size of the binary form of ops.
func batchRequestSize(ops []node.BatchOp) int {
	size := 8
	for _, op := range ops {
		size += len(op.Method) + len(op.Path) + len(op.IdempotencyKey) + len(op.Body) + 16
	}
	return size
}

// batchContext is the context of a batch request: without a deadline if a
// call of batch has none, else until the last deadline of its calls, so
// that a node that never answers holds its slot no longer than the calls
// waiting on it could wait.
func batchContext(batch []*batchCall) (context.Context, context.CancelFunc) {
	var last time.Time
	for _, call := range batch {
		d, ok := call.ctx.Deadline()
		if !ok {
			return context.WithCancel(context.Background())
		}
		if d.After(last) {
			last = d
		}
	}
	return context.WithDeadline(context.Background(), last)
}

// readBatchAnswer reads the answer to a batch of n calls, binary or JSON
// as its Content-Type says.
func readBatchAnswer(resp *http.Response, n int) ([]node.BatchResult, *batchFailure) {
	raw, err := readCapped(resp.Body, maxAnswerBytes)
	if err != nil { // the connection broke mid-answer: a retry answers the same
		return nil, &batchFailure{err: err, retryable: true, maybeDone: true}
	}
	results, err := decodeBatchAnswer(raw, resp.Header.Get("Content-Type"))
	if err != nil {
		return nil, &batchFailure{err: fmt.Errorf("malformed batch answer: %v (%w)", err, ErrInternal), maybeDone: true}
	}
	if len(results) != n {
		return nil, &batchFailure{err: fmt.Errorf("malformed batch answer: %d results for %d requests (%w)",
			len(results), n, ErrInternal), maybeDone: true}
	}
	return results, nil
}

// decodeBatchAnswer decodes the results of a batch answer of content type
// ct: binary (node.BatchContentType) or JSON.
func decodeBatchAnswer(raw []byte, ct string) ([]node.BatchResult, error) {
	if ct == node.BatchContentType {
		return node.ParseBatchResponse(raw)
	}
	var resp node.BatchResponse
	err := json.Unmarshal(raw, &resp)
	return resp.Results, err
}

// batchAnswer turns the result of a's request in a batch into what an
// attempt of a alone would have returned.
func batchAnswer(res node.BatchResult, a *apiCall) (*apiAnswer, *attemptFailure) {
	h := make(http.Header, len(res.Header))
	for k, v := range res.Header {
		h.Set(k, v)
	}
	if res.Status >= 200 && res.Status < 300 {
		return &apiAnswer{header: h, body: res.Body}, nil
	}
	return nil, errorFailure(&http.Response{StatusCode: res.Status, Header: h}, res.Body, a)
}
