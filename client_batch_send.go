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
// any one call's context: a call that gives up leaves the others waiting.
func (c *Client) tryBatch(base string, batch []*batchCall) (results []node.BatchResult, f *batchFailure, refused bool) {
	ops := make([]node.BatchOp, len(batch))
	for i, call := range batch {
		ops[i] = batchOp(call.a, call.idem)
	}
	body, err := json.Marshal(node.BatchRequest{Ops: ops})
	if err != nil {
		return nil, &batchFailure{err: err}, false
	}
	var connected atomic.Bool
	trace := &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { connected.Store(true) }}
	ctx := httptrace.WithClientTrace(context.Background(), trace)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/v1/batch", bytes.NewReader(body))
	if err != nil {
		return nil, &batchFailure{err: err}, false
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, &batchFailure{err: err, retryable: true, maybeDone: connected.Load()}, false
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBytes))
		return nil, nil, resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed
	}
	results, f = readBatchAnswer(resp.Body, len(batch))
	return results, f, false
}

// readBatchAnswer reads the answer to a batch of n calls.
func readBatchAnswer(r io.Reader, n int) ([]node.BatchResult, *batchFailure) {
	raw, err := readCapped(r, maxAnswerBytes)
	if err != nil { // the connection broke mid-answer: a retry answers the same
		return nil, &batchFailure{err: err, retryable: true, maybeDone: true}
	}
	var resp node.BatchResponse
	if err := json.Unmarshal(raw, &resp); err != nil {
		return nil, &batchFailure{err: fmt.Errorf("malformed batch answer: %v (%w)", err, ErrInternal), maybeDone: true}
	}
	if len(resp.Results) != n {
		return nil, &batchFailure{err: fmt.Errorf("malformed batch answer: %d results for %d requests (%w)",
			len(resp.Results), n, ErrInternal), maybeDone: true}
	}
	return resp.Results, nil
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
