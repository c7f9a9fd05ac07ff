package kv

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treekv/kv/node"
)

// batchNode is a fake node: a PUT alone waits for gate to close; POST
// /v1/batch answers each op as a PUT of it would, unless refuse or hangup
// say otherwise. The revision of a key "k<N>" is N.
type batchNode struct {
	*httptest.Server
	gate    chan struct{}
	refuse  bool // answer /v1/batch with 404, as a node without batching
	hangup  bool // close the connection of a /v1/batch request unanswered
	mu      sync.Mutex
	alone   []string         // paths of requests sent alone
	batches [][]node.BatchOp // ops of each batch
}

func newBatchNode(t *testing.T) *batchNode {
	t.Helper()
	n := &batchNode{gate: make(chan struct{})}
	n.Server = httptest.NewServer(http.HandlerFunc(n.serve))
	t.Cleanup(n.Close)
	return n
}

func (n *batchNode) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/batch" {
		n.record(func() { n.alone = append(n.alone, r.URL.EscapedPath()) })
		<-n.gate
		writePutAnswer(w, r.URL.EscapedPath())
		return
	}
	raw, _ := io.ReadAll(r.Body)
	ops, err := node.ParseBatchRequest(raw)
	if err != nil || r.Header.Get("Content-Type") != node.BatchContentType {
		http.Error(w, fmt.Sprintf("not a binary batch: %v", err), http.StatusBadRequest)
		return
	}
	n.record(func() { n.batches = append(n.batches, ops) })
	switch {
	case n.refuse:
		node.WriteError(w, node.Errorf(node.ErrNotFound, "no route for POST /v1/batch"))
	case n.hangup:
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			_ = conn.Close()
		}
	default:
		w.Header().Set("Content-Type", node.BatchContentType)
		_, _ = w.Write(node.AppendBatchResponse(nil, batchAnswerFor(ops).Results))
	}
}

func (n *batchNode) record(f func()) {
	n.mu.Lock()
	defer n.mu.Unlock()
	f()
}

// seen returns the paths sent alone and the ops of each batch.
func (n *batchNode) seen() ([]string, [][]node.BatchOp) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.alone...), append([][]node.BatchOp(nil), n.batches...)
}

// revisionOf is the revision the fake gives path "/v1/kv/k<N>": N.
func revisionOf(path string) uint64 {
	rev, _ := strconv.ParseUint(path[len("/v1/kv/k"):], 10, 64)
	return rev
}

func writePutAnswer(w http.ResponseWriter, path string) {
	w.Header().Set(node.HeaderNode, "n1")
	node.WriteJSON(w, http.StatusOK, node.PutResponse{Revision: revisionOf(path)})
}

func batchAnswerFor(ops []node.BatchOp) node.BatchResponse {
	var resp node.BatchResponse
	for _, op := range ops {
		body, _ := json.Marshal(node.PutResponse{Revision: revisionOf(op.Path)})
		resp.Results = append(resp.Results, node.BatchResult{Status: http.StatusOK,
			Header: map[string]string{node.HeaderNode: "n1"}, Body: body})
	}
	return resp
}

// newBatchingClient returns a client with a batcher and no router: the
// tests call its batcher directly, as attempt does for a routed call.
func newBatchingClient(t *testing.T) *Client {
	t.Helper()
	c, err := NewClient(ClientConfig{Endpoints: []string{"127.0.0.1:1"}})
	require.NoError(t, err)
	c.batch = newBatcher(c, defaultMaxBatch)
	t.Cleanup(c.Close)
	return c
}

func batchedPut(i int) *apiCall {
	key := "k" + strconv.Itoa(i)
	return &apiCall{method: http.MethodPut, path: keyPath(key), body: []byte("v"), write: true, key: key, routeKey: key}
}

// batchOutcome is what one call through the batcher returned.
type batchOutcome struct {
	ans *apiAnswer
	f   *attemptFailure
}

// occupy starts a call that holds the node's one slot until n.gate closes,
// and waits until the node has it.
func occupy(t *testing.T, c *Client, n *batchNode) <-chan batchOutcome {
	t.Helper()
	out := make(chan batchOutcome, 1)
	go func() {
		ans, f := c.batch.do(context.Background(), n.URL, batchedPut(0), "idem-0")
		out <- batchOutcome{ans, f}
	}()
	require.Eventually(t, func() bool { alone, _ := n.seen(); return len(alone) == 1 }, 10*time.Second, time.Millisecond)
	return out
}

// queueCalls starts calls 1..count behind the occupied slot and waits until
// they all wait in the node's queue, behind those already there.
func queueCalls(t *testing.T, ctx context.Context, c *Client, n *batchNode, count int) []chan batchOutcome {
	t.Helper()
	before := pendingCalls(c, n.URL)
	outs := make([]chan batchOutcome, count)
	for i := range outs {
		outs[i] = make(chan batchOutcome, 1)
		go func() {
			ans, f := c.batch.do(ctx, n.URL, batchedPut(i+1), "idem-"+strconv.Itoa(i+1))
			outs[i] <- batchOutcome{ans, f}
		}()
	}
	require.Eventually(t, func() bool { return pendingCalls(c, n.URL) == before+count }, 10*time.Second, time.Millisecond)
	return outs
}

func pendingCalls(c *Client, base string) int {
	c.batch.mu.Lock()
	defer c.batch.mu.Unlock()
	return len(c.batch.queue(base).pending)
}

// queuedBehindOne queues count calls to n behind one that holds its slot,
// then lets that one through, which must succeed; it returns the client
// and the outcomes of the queued calls.
func queuedBehindOne(t *testing.T, n *batchNode, count int) (*Client, []chan batchOutcome) {
	t.Helper()
	c := newBatchingClient(t)
	first := occupy(t, c, n)
	outs := queueCalls(t, context.Background(), c, n, count)
	close(n.gate)
	require.Nil(t, (<-first).f)
	return c, outs
}

func TestBatcherSendsTheCallsWaitingForANodeInOneBatch(t *testing.T) {
	n := newBatchNode(t)
	_, outs := queuedBehindOne(t, n, 10)
	for i, out := range outs {
		got := <-out
		require.Nil(t, got.f, "call %d", i+1)
		var resp node.PutResponse
		require.NoError(t, json.Unmarshal(got.ans.body, &resp))
		assert.Equal(t, uint64(i+1), resp.Revision, "each call gets its own answer")
		assert.Equal(t, "n1", got.ans.header.Get(node.HeaderNode))
	}
	alone, batches := n.seen()
	assert.Equal(t, []string{"/v1/kv/k0"}, alone)
	require.Len(t, batches, 1, "the ten waiting calls leave together")
	require.Len(t, batches[0], 10)
	var want []node.BatchOp
	for i := 1; i <= 10; i++ {
		want = append(want, node.BatchOp{Method: http.MethodPut, Path: keyPath("k" + strconv.Itoa(i)),
			IdempotencyKey: "idem-" + strconv.Itoa(i), Body: []byte("v")})
	}
	assert.ElementsMatch(t, want, batches[0], "each call with its own path, key and body")
}

func TestBatcherSendsCallsAloneToANodeWithoutBatches(t *testing.T) {
	n := newBatchNode(t)
	n.refuse = true
	c, outs := queuedBehindOne(t, n, 3)
	for i, out := range outs {
		got := <-out
		require.Nil(t, got.f, "call %d is sent again alone", i+1)
	}
	ans, f := c.batch.do(context.Background(), n.URL, batchedPut(9), "idem-9")
	require.Nil(t, f)
	require.NotNil(t, ans)
	alone, batches := n.seen()
	assert.Len(t, batches, 1, "one refusal: the node is not asked again")
	assert.ElementsMatch(t, []string{"/v1/kv/k0", "/v1/kv/k1", "/v1/kv/k2", "/v1/kv/k3", "/v1/kv/k9"}, alone)
}

func TestBatcherFailsEveryCallOfABatchThatBroke(t *testing.T) {
	n := newBatchNode(t)
	n.hangup = true
	_, outs := queuedBehindOne(t, n, 3)
	for i, out := range outs {
		got := <-out
		require.NotNil(t, got.f, "call %d", i+1)
		assert.True(t, got.f.retryable, "a broken connection is worth a retry")
		assert.True(t, got.f.maybeDone, "the batch was sent: its writes may have applied")
		assert.Contains(t, got.f.err.Error(), "PUT /v1/kv/k"+strconv.Itoa(i+1))
	}
}

func TestBatcherLetsAWaitingCallGiveUp(t *testing.T) {
	c, n := newBatchingClient(t), newBatchNode(t)
	first := occupy(t, c, n)
	ctx, cancel := context.WithCancel(context.Background())
	gaveUp := queueCalls(t, ctx, c, n, 1)[0]
	stays := queueCalls(t, context.Background(), c, n, 2)
	cancel()
	got := <-gaveUp
	require.NotNil(t, got.f)
	assert.ErrorIs(t, got.f.err, context.Canceled)
	assert.False(t, got.f.maybeDone, "a call that never left cannot have applied")
	close(n.gate)
	require.Nil(t, (<-first).f)
	for _, out := range stays {
		require.Nil(t, (<-out).f)
	}
	_, batches := n.seen()
	require.Len(t, batches, 1)
	assert.Len(t, batches[0], 2, "the call that gave up is not sent")
}

func TestBatchAnswerIsTheAnswerAlone(t *testing.T) {
	a := batchedPut(1)
	ans, f := batchAnswer(node.BatchResult{Status: http.StatusOK,
		Header: map[string]string{node.HeaderRevision: "7"}, Body: []byte(`{"revision":7}`)}, a)
	require.Nil(t, f)
	assert.Equal(t, "7", ans.header.Get(node.HeaderRevision))
	assert.JSONEq(t, `{"revision":7}`, string(ans.body))

	_, f = batchAnswer(node.BatchResult{Status: http.StatusConflict,
		Body: []byte(`{"error":{"code":"conflict","message":"m","revision":3}}`)}, a)
	var conflict *ConflictError
	require.ErrorAs(t, f.err, &conflict)
	assert.Equal(t, &ConflictError{Key: "k1", Revision: 3}, conflict)
	assert.False(t, f.retryable)

	_, f = batchAnswer(node.BatchResult{Status: http.StatusServiceUnavailable, Header: map[string]string{"Retry-After": "2", node.HeaderNode: "n3"},
		Body: []byte(`{"error":{"code":"unavailable","message":"m"}}`)}, a)
	assert.ErrorIs(t, f.err, ErrUnavailable)
	assert.True(t, f.retryable)
	assert.False(t, f.maybeDone)
	assert.Equal(t, 2*time.Second, f.retryAfter)
	assert.Equal(t, "n3", f.node)
}

func TestReadBatchAnswerReadsJSONAndBinary(t *testing.T) {
	results := []node.BatchResult{{Status: 200, Header: map[string]string{node.HeaderRevision: "4"}, Body: []byte("v")},
		{Status: 404, Body: []byte(`{"error":{"code":"not_found","message":"m"}}`)}}
	binaryForm := node.AppendBatchResponse(nil, results)
	jsonForm, err := json.Marshal(node.BatchResponse{Results: results})
	require.NoError(t, err)
	for ct, body := range map[string][]byte{node.BatchContentType: binaryForm, "application/json": jsonForm} {
		resp := &http.Response{Header: http.Header{"Content-Type": {ct}}, Body: io.NopCloser(bytes.NewReader(body))}
		got, f := readBatchAnswer(resp, 2)
		require.Nil(t, f, ct)
		assert.Equal(t, results, got, ct)
	}
}

func TestReadBatchAnswerRefusesAMalformedAnswer(t *testing.T) {
	two := node.AppendBatchResponse(nil, []node.BatchResult{{Status: 200}, {Status: 200}})
	for name, body := range map[string]string{
		"not JSON":        `{"results":`,
		"too few":         `{"results":[{"status":200}]}`,
		"too many":        `{"results":[{"status":200},{"status":200},{"status":200}]}`,
		"wrong results":   `{"results":{}}`,
		"binary, cut":     node.BatchContentType + "\n" + string(two[:len(two)-1]),
		"binary, too few": node.BatchContentType + "\n" + string(node.AppendBatchResponse(nil, []node.BatchResult{{Status: 200}})),
	} {
		t.Run(name, func(t *testing.T) {
			header := http.Header{}
			if ct, rest, ok := strings.Cut(body, "\n"); ok {
				header.Set("Content-Type", ct)
				body = rest
			}
			resp := &http.Response{Header: header, Body: io.NopCloser(strings.NewReader(body))}
			_, f := readBatchAnswer(resp, 2)
			require.NotNil(t, f)
			assert.True(t, errors.Is(f.err, ErrInternal), "%v", f.err)
			assert.False(t, f.retryable)
		})
	}
}

func TestBatchableCalls(t *testing.T) {
	get := &apiCall{method: http.MethodGet, path: keyPath("a"), routeKey: "a"}
	big := batchedPut(1)
	big.body = make([]byte, maxBatchedBody+1)
	txn := &apiCall{method: http.MethodPost, path: "/v1/txn", body: []byte("{}")}
	scan := &apiCall{method: http.MethodGet, path: "/v1/scan"}
	assert.True(t, get.batchable())
	assert.True(t, batchedPut(1).batchable())
	assert.False(t, big.batchable(), "a large value goes alone")
	assert.False(t, txn.batchable())
	assert.False(t, scan.batchable())
}

func TestClientConfigMaxBatch(t *testing.T) {
	for _, bad := range []int{-1, node.MaxBatchOps + 1} {
		_, err := NewClient(ClientConfig{Controller: "127.0.0.1:1", MaxBatch: bad})
		require.ErrorContains(t, err, "MaxBatch")
	}
	on, err := NewClient(ClientConfig{Controller: "127.0.0.1:1"})
	require.NoError(t, err)
	defer on.Close()
	assert.NotNil(t, on.batch, "partition-aware clients batch by default")
	off, err := NewClient(ClientConfig{Controller: "127.0.0.1:1", MaxBatch: 1})
	require.NoError(t, err)
	defer off.Close()
	assert.Nil(t, off.batch, "MaxBatch 1 sends every call alone")
	plain, err := NewClient(ClientConfig{Endpoints: []string{"127.0.0.1:1"}})
	require.NoError(t, err)
	defer plain.Close()
	assert.Nil(t, plain.batch, "without a map, calls are not routed and not batched")
}

func TestBatchContextLastsAsLongAsItsCallsMayWait(t *testing.T) {
	now := time.Now()
	soon, cancelSoon := context.WithDeadline(context.Background(), now.Add(time.Second))
	defer cancelSoon()
	later, cancelLater := context.WithDeadline(context.Background(), now.Add(time.Hour))
	defer cancelLater()
	callIn := func(ctx context.Context) *batchCall { return &batchCall{ctx: ctx} }

	ctx, cancel := batchContext([]*batchCall{callIn(soon), callIn(later)})
	defer cancel()
	d, ok := ctx.Deadline()
	require.True(t, ok)
	assert.Equal(t, now.Add(time.Hour), d, "the last deadline of its calls")

	ctx, cancel = batchContext([]*batchCall{callIn(soon), callIn(context.Background())})
	defer cancel()
	_, ok = ctx.Deadline()
	assert.False(t, ok, "a call without a deadline may wait forever")

	cancelSoon()
	cancelLater()
	assert.NoError(t, ctx.Err(), "the calls' cancellations do not end the batch")
}
