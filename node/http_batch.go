package node

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// serveBatch answers POST /v1/batch: it checks the form of every request of
// the batch first (method, path, where a body goes, the idempotency key): a
// malformed one refuses the whole batch, and nothing is served. Then it
// serves each through kv, the handler of /v1/kv/{key}, up to
// batchConcurrency at once, as if it had come on its own (so what a request
// alone would be refused for, such as a bad key or parameter, refuses that
// request only), and answers with their results in order.
func (n *Node) serveBatch(kv http.Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := readBody(w, r, int64(n.cfg.Limits.MaxTxnSize), "batch body")
		if err != nil {
			writeError(w, err)
			return
		}
		binaryForm := isBinaryBatch(r)
		ops, err := decodeBatch(body, binaryForm)
		if err != nil {
			writeError(w, err)
			return
		}
		subs, err := batchRequests(r, ops)
		if err != nil {
			writeError(w, err)
			return
		}
		results := serveAll(n.workers, kv, subs)
		if binaryForm {
			writeBinaryBatch(w, results)
			return
		}
		writeJSON(w, http.StatusOK, BatchResponse{Results: results})
	}
}

// isBinaryBatch reports whether r's body is in the binary form
// (BatchContentType), which its answer then takes too.
func isBinaryBatch(r *http.Request) bool {
	ct, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	return strings.EqualFold(strings.TrimSpace(ct), BatchContentType)
}

// decodeBatch reads the requests of a batch body, JSON or binary.
func decodeBatch(body []byte, binaryForm bool) ([]BatchOp, error) {
	if binaryForm {
		ops, err := ParseBatchRequest(body)
		if err != nil {
			return nil, Errorf(ErrBadRequest, "invalid binary batch: %v", err)
		}
		return ops, nil
	}
	var req BatchRequest
	err := decodeStrictJSON(body, "invalid batch JSON", &req)
	return req.Ops, err
}

// writeBinaryBatch answers a binary batch with its results.
func writeBinaryBatch(w http.ResponseWriter, results []BatchResult) {
	size := 8
	for _, res := range results {
		size += len(res.Body) + 64
	}
	body := AppendBatchResponse(make([]byte, 0, size), results)
	w.Header().Set("Content-Type", BatchContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// batchRequests checks ops and turns each into a request of its own, with
// r's context, remote address and host.
func batchRequests(r *http.Request, ops []BatchOp) ([]*http.Request, error) {
	if len(ops) == 0 || len(ops) > MaxBatchOps {
		return nil, Errorf(ErrBadRequest, "a batch holds 1 to %d requests, got %d", MaxBatchOps, len(ops))
	}
	subs := make([]*http.Request, len(ops))
	for i, op := range ops {
		sub, err := batchRequest(r, op)
		if err != nil {
			return nil, Errorf(ErrBadRequest, "batch request %d: %v", i, err)
		}
		subs[i] = sub
	}
	return subs, nil
}

// batchRequest checks op and builds its request.
func batchRequest(r *http.Request, op BatchOp) (*http.Request, error) {
	switch op.Method {
	case http.MethodGet, http.MethodDelete:
		if len(op.Body) > 0 {
			return nil, Errorf(ErrBadRequest, "%s carries no body", op.Method)
		}
	case http.MethodPut:
	default:
		return nil, Errorf(ErrBadRequest, "method %q is not batched: use GET, PUT or DELETE", op.Method)
	}
	if !strings.HasPrefix(op.Path, kvPrefix) || strings.ContainsFunc(op.Path, notInRequestTarget) {
		return nil, Errorf(ErrBadRequest, "path %q is not an escaped /v1/kv/{key} path", op.Path)
	}
	if strings.ContainsFunc(op.IdempotencyKey, notInHeaderValue) {
		return nil, Errorf(ErrBadRequest, "idempotency key %q holds a character a header cannot carry", op.IdempotencyKey)
	}
	sub, err := http.NewRequestWithContext(r.Context(), op.Method, op.Path, bytes.NewReader(op.Body))
	if err != nil {
		return nil, Errorf(ErrBadRequest, "path %q: %v", op.Path, err)
	}
	sub.RemoteAddr, sub.Host = r.RemoteAddr, r.Host
	if op.IdempotencyKey != "" {
		sub.Header.Set(HeaderIdempotencyKey, op.IdempotencyKey)
	}
	return sub, nil
}

// batchConcurrency bounds the requests of one batch served at once, and so
// the connections a batch a node forwards may open to a leader.
const batchConcurrency = 64

// serveAll serves every request through h on pool's workers,
// batchConcurrency at a time, and returns their results in order.
func serveAll(pool *workPool, h http.Handler, subs []*http.Request) []BatchResult {
	recs := make([]batchRecorder, len(subs))
	slots := make(chan struct{}, batchConcurrency)
	var wg sync.WaitGroup
	wg.Add(len(subs))
	for i, sub := range subs {
		slots <- struct{}{}
		pool.run(func() {
			defer func() { <-slots; wg.Done() }()
			h.ServeHTTP(&recs[i], sub)
		})
	}
	wg.Wait()
	results := make([]BatchResult, len(subs))
	for i := range recs {
		results[i] = recs[i].result()
	}
	return results
}

// notInRequestTarget reports a character that cannot appear as such in the
// request target of an HTTP request: a space, a control character, a
// fragment mark, anything beyond ASCII (it is percent-encoded).
func notInRequestTarget(r rune) bool {
	return r <= ' ' || r == 0x7f || r == '#' || r > 0x7e
}

// notInHeaderValue reports a character an HTTP header value cannot carry.
func notInHeaderValue(r rune) bool {
	return (r < ' ' && r != '\t') || r == 0x7f || r > 0x7e
}
