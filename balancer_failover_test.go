package kv_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
)

// mixedLoad reads preloaded keys and inserts new ones through a balancer
// with plain HTTP, one attempt per request and no Idempotency-Key of its
// own, so that every retry and every key is the balancer's. Each insert is
// acknowledged (200), indeterminate (503 or 504 with that code) or failed.
type mixedLoad struct {
	api           *httpAPI
	base          string
	preloaded     []string
	stop          chan struct{}
	wg            sync.WaitGroup
	reads, writes atomic.Int64
	mu            sync.Mutex
	acked         map[string]string // key -> value
	indeterminate map[string]string
	failed        []string
}

func startMixedLoad(t *testing.T, base string, preloaded []string, readers, writers int) *mixedLoad {
	l := &mixedLoad{api: newHTTPAPI(t), base: base, preloaded: preloaded, stop: make(chan struct{}),
		acked: map[string]string{}, indeterminate: map[string]string{}}
	for r := range readers {
		l.wg.Go(func() { l.read(r) })
	}
	for w := range writers {
		l.wg.Go(func() { l.insert(w) })
	}
	t.Cleanup(l.halt)
	return l
}

func (l *mixedLoad) stopped() bool {
	select {
	case <-l.stop:
		return true
	default:
		return false
	}
}

func (l *mixedLoad) read(r int) {
	for i := r; !l.stopped(); i++ {
		key := l.preloaded[i%len(l.preloaded)]
		ans, err := l.api.try(http.MethodGet, kvURL(l.base, key), nil, nil)
		switch {
		case err != nil:
			l.fail(fmt.Sprintf("GET %q: %v", key, err))
		case ans.status != http.StatusOK || string(ans.body) != "v:"+key:
			l.fail(fmt.Sprintf("GET %q: %d %s", key, ans.status, ans.body))
		}
		l.reads.Add(1)
	}
}

func (l *mixedLoad) insert(w int) {
	for i := 0; !l.stopped(); i++ {
		key, value := fmt.Sprintf("insert/%d/%05d", w, i), fmt.Sprintf("value %d/%d", w, i)
		ans, err := l.api.try(http.MethodPut, kvURL(l.base, key), []byte(value), nil)
		l.writes.Add(1)
		if err != nil {
			l.fail(fmt.Sprintf("PUT %q: %v", key, err))
			continue
		}
		l.recordInsert(key, value, ans)
	}
}

func (l *mixedLoad) recordInsert(key, value string, ans answer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var body wireError
	_ = json.Unmarshal(ans.body, &body)
	switch {
	case ans.status == http.StatusOK:
		l.acked[key] = value
	case (ans.status == http.StatusServiceUnavailable || ans.status == http.StatusGatewayTimeout) &&
		body.Error.Code == "indeterminate":
		l.indeterminate[key] = value
	default:
		l.failed = append(l.failed, fmt.Sprintf("PUT %q: %d %s", key, ans.status, ans.body))
	}
}

func (l *mixedLoad) fail(what string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failed = append(l.failed, what)
}

// waitMore waits until at least n more reads and n more writes than now
// have completed.
func (l *mixedLoad) waitMore(t *testing.T, n int64) {
	t.Helper()
	reads, writes := l.reads.Load()+n, l.writes.Load()+n
	waitFor(t, fmt.Sprintf("%d reads and %d writes", reads, writes), func() (bool, string) {
		return l.reads.Load() >= reads && l.writes.Load() >= writes,
			fmt.Sprintf("%d reads, %d writes", l.reads.Load(), l.writes.Load())
	})
}

func (l *mixedLoad) halt() {
	select {
	case <-l.stop:
	default:
		close(l.stop)
	}
	l.wg.Wait()
}

// requireVersionOne checks, by transactions on the cluster's nodes, that
// each key holds its value at version 1: written once, never twice. With
// mayMiss, an absent key passes too.
func requireVersionOne(t *testing.T, client *kv.Client, keys map[string]string, mayMiss bool) {
	t.Helper()
	ctx := testContext(t, loadTimeout)
	for key, value := range keys {
		resp, err := client.Txn(ctx, kv.TxnRequest{Success: []kv.TxnOp{{Op: "get", Key: key}}})
		require.NoError(t, err, "key %q", key)
		got := resp.Results[0]
		if !got.Found && mayMiss {
			continue
		}
		require.True(t, got.Found, "acknowledged key %q is lost", key)
		require.Equal(t, value, string(got.Value), "key %q", key)
		require.Equal(t, uint64(1), got.Version, "key %q was written %d times", key, got.Version)
	}
}

// A node stopped under a read and insert load through the balancer: no
// read fails, every insert is acknowledged or answered indeterminate,
// every acknowledged insert is there, and none applied twice.
func TestBalancerNodeKilledUnderLoad(t *testing.T) {
	c := startControlled(t, kv.ClusterConfig{DataDir: t.TempDir()})
	waitFor(t, "a settled placement", func() (bool, string) { return settled(clusterView(t, c.Controller()), 3) })
	preloaded := make([]string, 40)
	for i := range preloaded {
		preloaded[i] = fmt.Sprintf("preloaded/%02d", i)
	}
	writeKeys(t, c, preloaded)
	bal, base := startBalancer(t, fastBalancer(kv.BalancerConfig{
		Controller: c.Controller().URL(), Policy: kv.PolicyLeaderAware}))
	waitHealthy(t, bal, 3)

	load := startMixedLoad(t, base, preloaded, 3, 3)
	load.waitMore(t, 50)
	victim, err := c.WaitLeader(testContext(t, eventually), c.Map().Partitions[0].ID)
	require.NoError(t, err)
	require.NoError(t, c.StopNode(victim))
	t.Logf("stopped n%d", victim+1)
	waitFor(t, "the stopped node's backend is out", func() (bool, string) {
		b, _ := backendStatus(bal, fmt.Sprintf("n%d", victim+1))
		return !b.Healthy, fmt.Sprintf("%+v", b)
	})
	load.waitMore(t, 100)
	load.halt()

	t.Logf("%d reads, %d writes: %d acknowledged, %d indeterminate; retries %d, failovers %d",
		load.reads.Load(), load.writes.Load(), len(load.acked), len(load.indeterminate),
		bal.Status().Retries, bal.Status().Failovers)
	require.Empty(t, load.failed, "no read or write failed")
	client := newPatientClient(t, c.Endpoints())
	requireVersionOne(t, client, load.acked, false)
	requireVersionOne(t, client, load.indeterminate, true)
}

// BenchmarkBalancerPolicies compares single-key linearizable GETs through
// the balancer under round-robin and leader-aware routing; leader-aware
// saves most requests the node-to-leader hop.
func BenchmarkBalancerPolicies(b *testing.B) {
	c := startCluster(b, kv.ClusterConfig{Controller: fastController(), HeartbeatInterval: 100 * time.Millisecond})
	keys := make([]string, 64)
	for i := range keys {
		keys[i] = fmt.Sprintf("bench/%02d", i)
	}
	writeKeys(b, c, keys)
	for _, policy := range []string{kv.PolicyRoundRobin, kv.PolicyLeaderAware} {
		b.Run(policy, func(b *testing.B) {
			bal, base := startBalancer(b, kv.BalancerConfig{Controller: c.Controller().URL(), Policy: policy})
			waitHealthy(b, bal, 3)
			waitFor(b, "a cluster view", func() (bool, string) { return bal.Status().ClusterVersion > 0, "none yet" })
			client := newBalancerClient(b, base)
			ctx := testContext(b, time.Minute)
			b.ReportAllocs()
			i := 0
			start := time.Now()
			for b.Loop() {
				if _, err := client.Get(ctx, keys[i%len(keys)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
			elapsed := time.Since(start)
			b.ReportMetric(float64(elapsed.Nanoseconds())/float64(i), "ns/op")
			b.ReportMetric(float64(i)/elapsed.Seconds(), "ops/s")
		})
	}
}
