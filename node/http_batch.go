package node

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// serveBatch answers POST /v1/batch: it checks the form of every request of
// the batch first (method, path, where a body goes, the idempotency key): a
// malformed one refuses the whole batch, and nothing is served. Then it
// serves each, up to batchConcurrency at once, as if it had come on its own
// (so what a request alone would be refused for, such as a bad key or
// parameter, refuses that request only), and answers with their results in
// order. A plain write of a partition this node leads is proposed directly
// (see directWrite), a stale read of a partition it holds is read directly
// (see directRead); every other request goes through kv, the handler of
// /v1/kv/{key}.
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
		items, err := n.planBatch(r, ops)
		if err != nil {
			writeError(w, err)
			return
		}
		results := n.serveItems(r, kv, items)
		if binaryForm {
			writeBinaryBatch(w, results)
			return
		}
		writeJSON(w, http.StatusOK, BatchResponse{Results: results})
	}
}

// batchItem is one request of a batch, checked, with its direct form when
// the node may serve it without the handler.
type batchItem struct {
	op     BatchOp
	url    *url.URL // op.Path, parsed
	direct *directWrite
	read   *directRead
}

// serveItems serves the requests of a batch and returns their results in
// order: the direct writes all proposed at once from this goroutine, then
// the direct reads from this goroutine too, the others through kv on the
// node's workers meanwhile, and then, through kv too, the direct writes whose
// replica no longer led.
func (n *Node) serveItems(r *http.Request, kv http.Handler, items []batchItem) []BatchResult {
	recs := make([]batchRecorder, len(items))
	calls := submitDirect(items)
	var rest []int
	for i := range items {
		switch {
		case items[i].read != nil:
			n.serveDirectRead(&recs[i], items[i].read)
		case items[i].direct == nil:
			rest = append(rest, i)
		}
	}
	throughKV := func(i int) { n.serveThrough(r, kv, &items[i], &recs[i]) }
	if len(calls) == 0 {
		serveAll(n.workers, rest, throughKV)
	} else {
		var wg sync.WaitGroup
		wg.Go(func() { serveAll(n.workers, rest, throughKV) })
		serveAll(n.workers, n.awaitDirect(r.Context(), calls, recs), throughKV)
		wg.Wait()
	}
	results := make([]BatchResult, len(recs))
	for i := range recs {
		results[i] = recs[i].result()
	}
	return results
}

// serveThrough serves it through kv, as a request of its own, into rec.
func (n *Node) serveThrough(r *http.Request, kv http.Handler, it *batchItem, rec *batchRecorder) {
	kv.ServeHTTP(rec, batchRequest(r, it))
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

// planBatch checks ops and finds those the node may serve directly.
func (n *Node) planBatch(r *http.Request, ops []BatchOp) ([]batchItem, error) {
	if len(ops) == 0 || len(ops) > MaxBatchOps {
		return nil, Errorf(ErrBadRequest, "a batch holds 1 to %d requests, got %d", MaxBatchOps, len(ops))
	}
	m, err := n.currentMap()
	if err != nil {
		m = nil // every request goes through the handler, which answers the error
	}
	items := make([]batchItem, len(ops))
	for i, op := range ops {
		u, err := checkBatchOp(op)
		if err != nil {
			return nil, Errorf(ErrBadRequest, "batch request %d: %v", i, err)
		}
		items[i] = batchItem{op: op, url: u, direct: n.directWriteOf(m, &ops[i], u), read: n.directReadOf(m, &ops[i], u)}
	}
	return items, nil
}

// checkBatchOp checks that op can be a request of its own and returns its
// parsed path.
func checkBatchOp(op BatchOp) (*url.URL, error) {
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
	u, err := url.Parse(op.Path) // as http.NewRequest would parse it
	if err != nil {
		return nil, Errorf(ErrBadRequest, "path %q: %v", op.Path, err)
	}
	return u, nil
}

// batchRequest builds the request of a checked item, with r's context,
// remote address and host.
func batchRequest(r *http.Request, it *batchItem) *http.Request {
	sub := &http.Request{
		Method:        it.op.Method,
		URL:           it.url,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        make(http.Header, 1),
		Body:          io.NopCloser(bytes.NewReader(it.op.Body)),
		ContentLength: int64(len(it.op.Body)),
		Host:          r.Host,
		RemoteAddr:    r.RemoteAddr,
	}
	if it.op.IdempotencyKey != "" {
		sub.Header.Set(HeaderIdempotencyKey, it.op.IdempotencyKey)
	}
	return sub.WithContext(r.Context())
}

// batchConcurrency bounds the requests of one batch served at once, and so
// the connections a batch a node forwards may open to a leader.
const batchConcurrency = 64

// serveAll runs serve for each of indexes on pool's workers,
// batchConcurrency at a time, and returns once all are served.
func serveAll(pool *workPool, indexes []int, serve func(i int)) {
	slots := make(chan struct{}, batchConcurrency)
	var wg sync.WaitGroup
	wg.Add(len(indexes))
	for _, i := range indexes {
		slots <- struct{}{}
		pool.run(func() {
			defer func() { <-slots; wg.Done() }()
			serve(i)
		})
	}
	wg.Wait()
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
