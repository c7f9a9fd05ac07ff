package kv_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
	"golang.org/x/sync/errgroup"
)

// Timings of the cluster tests. Raft runs with fast timeouts so elections
// take a fraction of a second; waits are generous so a loaded machine
// (the race detector on two cores) does not fail them.
const (
	clusterStartTimeout = 60 * time.Second
	eventually          = 20 * time.Second
	pollEvery           = 20 * time.Millisecond
)

// startCluster starts a cluster with fast Raft timings (unless cfg sets its
// own) and closes it when the test ends.
func startCluster(tb testing.TB, cfg kv.ClusterConfig) *kv.LocalCluster {
	tb.Helper()
	if cfg.Raft == (kv.RaftConfig{}) {
		cfg.Raft = kv.LoopbackRaftConfig()
	}
	ctx, cancel := context.WithTimeout(context.Background(), clusterStartTimeout)
	defer cancel()
	c, err := kv.StartCluster(ctx, cfg)
	require.NoError(tb, err)
	tb.Cleanup(func() { assert.NoError(tb, c.Close()) })
	return c
}

// testContext returns a context that ends when the test does, or after d.
func testContext(tb testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	tb.Cleanup(cancel)
	return ctx
}

// newClusterClient returns a kv.Client over every node of c, closed when
// the test ends.
func newClusterClient(tb testing.TB, c *kv.LocalCluster) *kv.Client {
	tb.Helper()
	client, err := c.NewClient()
	require.NoError(tb, err)
	tb.Cleanup(client.Close)
	return client
}

// waitReady waits until every partition of c has a leader serving reads.
func waitReady(tb testing.TB, c *kv.LocalCluster) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), clusterStartTimeout)
	defer cancel()
	require.NoError(tb, c.WaitReady(ctx))
}

// partitionOf returns the ID of the partition that holds key.
func partitionOf(tb testing.TB, c *kv.LocalCluster, key string) uint64 {
	tb.Helper()
	p, err := c.Map().Locate(key)
	require.NoError(tb, err)
	return p.ID
}

// leaderOf returns the index of the node leading key's partition, waiting
// for one to be elected.
func leaderOf(tb testing.TB, c *kv.LocalCluster, key string) int {
	tb.Helper()
	pid := partitionOf(tb, c, key)
	var leader int
	waitFor(tb, fmt.Sprintf("a leader of partition %d", pid), func() (bool, string) {
		i, ok := c.Leader(pid)
		leader = i
		return ok, "no leader"
	})
	return leader
}

// followerOf returns the index of a node other than leader. Every node of
// a cluster with as many replicas as nodes hosts every partition, so it
// hosts a follower replica of leader's partitions.
func followerOf(c *kv.LocalCluster, leader int) int {
	return (leader + 1) % c.Size()
}

// httpAPI sends plain HTTP requests to the data API of a cluster's nodes.
type httpAPI struct {
	tb     testing.TB
	client *http.Client
}

// newHTTPAPI returns an httpAPI with its own transport, whose idle
// connections close when the test ends.
func newHTTPAPI(tb testing.TB) *httpAPI {
	client := &http.Client{Transport: &http.Transport{}, Timeout: 30 * time.Second}
	tb.Cleanup(client.CloseIdleConnections)
	return &httpAPI{tb: tb, client: client}
}

// answer is an HTTP answer with its body read in full.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// wireError is the JSON body of every error answer.
type wireError struct {
	Error struct {
		Code     string  `json:"code"`
		Message  string  `json:"message"`
		Revision *uint64 `json:"revision"`
	} `json:"error"`
}

// do sends a request with body and header and reads the whole answer.
func (a *httpAPI) do(method, target string, body []byte, header http.Header) answer {
	a.tb.Helper()
	ans, err := a.try(method, target, body, header)
	require.NoError(a.tb, err, "%s %s", method, target)
	return ans
}

// try is do for callers that expect failures to send, such as polls of a
// node that is restarting: it returns the error instead of failing.
func (a *httpAPI) try(method, target string, body []byte, header http.Header) (answer, error) {
	req, err := http.NewRequest(method, target, bytes.NewReader(body))
	if err != nil {
		return answer{}, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, header: resp.Header, body: data}, err
}

// get sends a GET once and returns whatever it answers.
func (a *httpAPI) get(target string) answer { return a.do(http.MethodGet, target, nil, nil) }

// putOK puts value under key through the node at base and returns the
// revision the answer carries.
func (a *httpAPI) putOK(base, key string, value []byte) uint64 {
	a.tb.Helper()
	ans := a.write(http.MethodPut, kvURL(base, key), value, nil)
	require.Equal(a.tb, http.StatusOK, ans.status, "PUT %q: %s", key, ans.body)
	return ans.revision(a.tb)
}

// write sends a write as a careful client does: under one Idempotency-Key
// (a fresh one unless header has one), again while the answer is 503 or 504
// (no leader during an election, or an outcome unknown), so that it applies
// once. It returns the first other answer.
func (a *httpAPI) write(method, target string, body []byte, header http.Header) answer {
	a.tb.Helper()
	header = header.Clone()
	if header == nil {
		header = http.Header{}
	}
	if header.Get("Idempotency-Key") == "" {
		header.Set("Idempotency-Key", rand.Text())
	}
	return a.retrying(method, target, body, header)
}

// read sends a read, again while the answer is 503 (no leader during an
// election), and returns the first other answer.
func (a *httpAPI) read(target string) answer {
	a.tb.Helper()
	return a.retrying(http.MethodGet, target, nil, nil)
}

// retrying sends a request until it answers other than 503 or 504, and
// returns that answer.
func (a *httpAPI) retrying(method, target string, body []byte, header http.Header) answer {
	a.tb.Helper()
	var ans answer
	waitFor(a.tb, method+" "+target+" answers other than 503 or 504", func() (bool, string) {
		var err error
		ans, err = a.try(method, target, body, header)
		if err != nil {
			return false, err.Error()
		}
		retry := ans.status == http.StatusServiceUnavailable || ans.status == http.StatusGatewayTimeout
		return !retry, fmt.Sprintf("%d %s", ans.status, ans.body)
	})
	return ans
}

// kvURL is the URL of key on the node at base, with optional query
// parameters given as name, value pairs.
func kvURL(base, key string, query ...string) string {
	return withQuery(base+"/v1/kv/"+url.PathEscape(key), query...)
}

// withQuery appends query parameters given as name, value pairs.
func withQuery(target string, query ...string) string {
	if len(query) == 0 {
		return target
	}
	q := url.Values{}
	for i := 0; i+1 < len(query); i += 2 {
		q.Add(query[i], query[i+1])
	}
	return target + "?" + q.Encode()
}

// revision decodes {"revision":N} from a write's answer.
func (ans answer) revision(tb testing.TB) uint64 {
	tb.Helper()
	var body struct {
		Revision *uint64 `json:"revision"`
	}
	require.NoError(tb, json.Unmarshal(ans.body, &body), "answer %s", ans.body)
	require.NotNil(tb, body.Revision, "answer %s has no revision", ans.body)
	return *body.Revision
}

// headerRevision reads X-Kv-Revision from a read's answer.
func (ans answer) headerRevision(tb testing.TB) uint64 {
	tb.Helper()
	rev, err := strconv.ParseUint(ans.header.Get("X-Kv-Revision"), 10, 64)
	require.NoError(tb, err, "X-Kv-Revision header")
	return rev
}

// requireError checks that ans is an error answer with status and code, in
// the API's JSON shape with a message, and returns its body.
func requireError(tb testing.TB, ans answer, status int, code string) wireError {
	tb.Helper()
	require.Equal(tb, status, ans.status, "answer %s", ans.body)
	require.Contains(tb, ans.header.Get("Content-Type"), "application/json")
	var body wireError
	require.NoError(tb, json.Unmarshal(ans.body, &body), "error body %s", ans.body)
	require.Equal(tb, code, body.Error.Code, "error body %s", ans.body)
	require.NotEmpty(tb, body.Error.Message, "error body %s", ans.body)
	return body
}

// requireValue checks that ans is a read answering value.
func requireValue(tb testing.TB, ans answer, value string) {
	tb.Helper()
	require.Equal(tb, http.StatusOK, ans.status, "answer %s", ans.body)
	require.Equal(tb, value, string(ans.body))
}

// eventuallyValue waits until a linearizable read of key on the node at
// base answers value.
func (a *httpAPI) eventuallyValue(base, key, value string) {
	a.tb.Helper()
	waitFor(a.tb, fmt.Sprintf("GET %q on %s answers %q", key, base, value), func() (bool, string) {
		ans, err := a.try(http.MethodGet, kvURL(base, key), nil, nil)
		if err != nil {
			return false, err.Error()
		}
		return ans.status == http.StatusOK && string(ans.body) == value, fmt.Sprintf("%d %s", ans.status, ans.body)
	})
}

// waitFor polls cond, in the test goroutine, until it holds; past the
// deadline it fails the test with what and cond's last description of the
// state it saw.
func waitFor(tb testing.TB, what string, cond func() (ok bool, state string)) {
	tb.Helper()
	deadline := time.Now().Add(eventually)
	ticker := time.NewTicker(pollEvery)
	defer ticker.Stop()
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("waited %s for %s; last seen: %s", eventually, what, state)
		}
		<-ticker.C
	}
}

// keysPerPartition returns, for every partition of c, the first key of the
// form prefix-N that it holds.
func keysPerPartition(tb testing.TB, c *kv.LocalCluster, prefix string) map[uint64]string {
	tb.Helper()
	m := c.Map()
	keys := map[uint64]string{}
	for i := 0; len(keys) < len(m.Partitions) && i < 10000; i++ {
		key := fmt.Sprintf("%s-%d", prefix, i)
		pid := partitionOf(tb, c, key)
		if _, ok := keys[pid]; !ok {
			keys[pid] = key
		}
	}
	require.Len(tb, keys, len(m.Partitions))
	return keys
}

// writeKeys puts "v:"+key under every key, several at a time, through a
// kv.Client.
func writeKeys(tb testing.TB, c *kv.LocalCluster, keys []string) {
	tb.Helper()
	client := newClusterClient(tb, c)
	ctx := testContext(tb, eventually)
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for _, key := range keys {
		g.Go(func() error {
			_, err := client.Put(ctx, key, []byte("v:"+key))
			return err
		})
	}
	require.NoError(tb, g.Wait())
}

// partitionsOf returns the set of partitions holding keys.
func partitionsOf(tb testing.TB, c *kv.LocalCluster, keys []string) map[uint64]bool {
	tb.Helper()
	set := map[uint64]bool{}
	for _, k := range keys {
		set[partitionOf(tb, c, k)] = true
	}
	return set
}

// txnAnswer is the JSON answer of POST /v1/txn.
type txnAnswer struct {
	Succeeded bool   `json:"succeeded"`
	Revision  uint64 `json:"revision"`
	Results   []struct {
		Op       string `json:"op"`
		Key      string `json:"key"`
		Found    bool   `json:"found"`
		Value    []byte `json:"value"`
		Revision uint64 `json:"revision"`
		Version  uint64 `json:"version"`
	} `json:"results"`
}

// txnOK posts the transaction body (JSON) to the node at base and
// returns its success answer.
func (a *httpAPI) txnOK(base, body string) txnAnswer {
	a.tb.Helper()
	ans := a.write(http.MethodPost, base+"/v1/txn", []byte(body), nil)
	require.Equal(a.tb, http.StatusOK, ans.status, "%s", ans.body)
	var out txnAnswer
	require.NoError(a.tb, json.Unmarshal(ans.body, &out))
	return out
}
