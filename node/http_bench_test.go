package node

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/node/part"
)

// benchValue is the size of the values the data API benchmarks write, as in
// the comparison against etcd.
var benchValue = bytes.Repeat([]byte("v"), 256)

// discardWriter is a ResponseWriter that keeps the status and throws the
// body away, so that benchmarks measure the handler and not a recorder.
type discardWriter struct {
	header http.Header
	status int
}

func newDiscardWriter() *discardWriter { return &discardWriter{header: http.Header{}} }

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(status int)      { w.status = status }

// reset readies w for the next request.
func (w *discardWriter) reset() {
	clear(w.header)
	w.status = http.StatusOK
}

// rewindBody is a request body that a benchmark refills for every request.
type rewindBody struct{ bytes.Reader }

func (*rewindBody) Close() error { return nil }

// benchRequest is one request that a benchmark sends again and again.
type benchRequest struct {
	r    *http.Request
	body *rewindBody
	data []byte
	w    *discardWriter
}

func newBenchRequest(method, target string, data []byte) *benchRequest {
	br := &benchRequest{r: httptest.NewRequest(method, target, nil), body: &rewindBody{}, data: data, w: newDiscardWriter()}
	br.r.Body = br.body
	br.r.ContentLength = int64(len(data))
	br.r.RemoteAddr = "127.0.0.1:40000"
	return br
}

// serve sends the request through h once and fails b unless it was answered
// with status.
func (br *benchRequest) serve(b *testing.B, h http.Handler, status int) {
	br.body.Reset(br.data)
	br.w.reset()
	h.ServeHTTP(br.w, br.r)
	if br.w.status != status {
		b.Fatalf("%s %s answered %d, want %d", br.r.Method, br.r.URL, br.w.status, status)
	}
}

// httpBenchKeys is how many keys benchNode writes before a benchmark.
const httpBenchKeys = 1000

// benchNode returns the handler of a node that leads the one partition of
// its map, with in-memory Raft stores, and has httpBenchKeys keys written.
func benchNode(b *testing.B) http.Handler {
	n := startFuzzNode(b, 1, 1)
	h := n.handler()
	for i := range httpBenchKeys {
		newBenchRequest(http.MethodPut, kvPrefix+benchKey(i), benchValue).serve(b, h, http.StatusOK)
	}
	return h
}

// BenchmarkServePut measures a put through the node's handler on the
// partition's leader: routing, proposal, commit by a one-voter group, apply.
func BenchmarkServePut(b *testing.B) {
	h := benchNode(b)
	br := newBenchRequest(http.MethodPut, kvPrefix+benchKey(7), benchValue)
	b.ReportAllocs()
	for b.Loop() {
		br.serve(b, h, http.StatusOK)
	}
}

// BenchmarkServeGet measures reads through the node's handler on the
// partition's leader, linearizable (ReadIndex) and stale.
func BenchmarkServeGet(b *testing.B) {
	h := benchNode(b)
	for _, query := range []string{"", "?consistency=stale"} {
		b.Run("query="+query, func(b *testing.B) {
			br := newBenchRequest(http.MethodGet, kvPrefix+benchKey(7)+query, nil)
			b.ReportAllocs()
			for b.Loop() {
				br.serve(b, h, http.StatusOK)
			}
		})
	}
}

// BenchmarkServeForwarded measures a put and a get that a node without a
// replica relays to the partition's leader, here a stub on a real TCP
// connection that answers at once: the cost of the relay itself.
func BenchmarkServeForwarded(b *testing.B) {
	leader := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(HeaderNode, "n2")
		if r.Method == http.MethodGet {
			_, _ = w.Write(benchValue)
			return
		}
		WriteJSON(w, http.StatusOK, PutResponse{Revision: 42})
	}))
	defer leader.Close()
	n, err := New(Config{ID: "n1", Raft: fuzzRaftConfig(), Limits: fuzzLimits})
	require.NoError(b, err)
	defer func() { require.NoError(b, n.Close()) }()
	u, err := url.Parse(leader.URL)
	require.NoError(b, err)
	m, err := part.Plan(part.PlanConfig{Partitions: 1, Replicas: 1, Nodes: []part.NodeInfo{{ID: "n2", HTTPAddr: u.Host, RaftAddr: "127.0.0.1:1"}}})
	require.NoError(b, err)
	require.NoError(b, n.SetMap(m))
	h := n.handler()
	for _, br := range []*benchRequest{
		newBenchRequest(http.MethodPut, kvPrefix+benchKey(7), benchValue),
		newBenchRequest(http.MethodGet, kvPrefix+benchKey(7), nil),
	} {
		b.Run("method="+br.r.Method, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				br.serve(b, h, http.StatusOK)
			}
		})
	}
}

// BenchmarkInstrument measures the request metrics around a handler that
// does nothing.
func BenchmarkInstrument(b *testing.B) {
	n, err := New(Config{ID: "n1", Raft: fuzzRaftConfig()})
	require.NoError(b, err)
	defer func() { require.NoError(b, n.Close()) }()
	h := n.metrics.instrument("kv", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
	}))
	for _, method := range []string{http.MethodGet, http.MethodPut} {
		b.Run(fmt.Sprintf("method=%s", method), func(b *testing.B) {
			br := newBenchRequest(method, kvPrefix+"k", nil)
			b.ReportAllocs()
			for b.Loop() {
				br.serve(b, h, http.StatusOK)
			}
		})
	}
}
