package kv_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
)

// fastBalancer returns balancer settings for tests in front of a cluster:
// quick checks and ejections, and enough retries, quickly paced, to ride
// out a leader election of LoopbackRaftConfig timings.
func fastBalancer(cfg kv.BalancerConfig) kv.BalancerConfig {
	cfg.CheckInterval = 50 * time.Millisecond
	cfg.EjectBase = 100 * time.Millisecond
	cfg.EjectMax = time.Second
	cfg.MaxRetries = 30
	cfg.RetryBackoff = 20 * time.Millisecond
	return cfg
}

// startBalancer serves a kv.Balancer for cfg on a loopback port; both stop
// when the test ends. It returns the balancer and its base URL.
func startBalancer(tb testing.TB, cfg kv.BalancerConfig) (*kv.Balancer, string) {
	tb.Helper()
	bal, err := kv.NewBalancer(cfg)
	require.NoError(tb, err)
	srv := httptest.NewServer(bal)
	tb.Cleanup(srv.Close)
	tb.Cleanup(bal.Close)
	return bal, srv.URL
}

// newBalancerClient returns a client of the balancer at base that makes
// one attempt per call, so that every retry is the balancer's.
func newBalancerClient(tb testing.TB, base string) *kv.Client {
	tb.Helper()
	client, err := kv.NewClient(kv.ClientConfig{Endpoints: []string{base}, MaxAttempts: 1})
	require.NoError(tb, err)
	tb.Cleanup(client.Close)
	return client
}

// backendStatus returns the balancer's backend id, if it has one.
func backendStatus(bal *kv.Balancer, id string) (kv.BackendStatus, bool) {
	for _, b := range bal.Status().Backends {
		if b.ID == id {
			return b, true
		}
	}
	return kv.BackendStatus{}, false
}

// waitHealthy waits until the balancer lists n backends, each healthy
// after at least one health check.
func waitHealthy(t testing.TB, bal *kv.Balancer, n int) {
	t.Helper()
	waitFor(t, fmt.Sprintf("%d checked healthy backends", n), func() (bool, string) {
		s := bal.Status()
		checked := 0
		for _, b := range s.Backends {
			if b.Healthy && b.LastCheck != nil {
				checked++
			}
		}
		return checked == n && s.TotalBackends == n, fmt.Sprintf("%d of %d checked healthy", checked, s.TotalBackends)
	})
}

// The whole data API works through a balancer in front of static
// backends, and the requests spread over every node.
func TestBalancerForwardsDataAPI(t *testing.T) {
	c := startCluster(t, kv.ClusterConfig{})
	bal, base := startBalancer(t, fastBalancer(kv.BalancerConfig{Backends: c.Endpoints()}))
	waitHealthy(t, bal, 3)
	client := newBalancerClient(t, base)
	ctx := testContext(t, 30*time.Second)

	rev, err := client.Put(ctx, "bal/a/1", []byte("one"))
	require.NoError(t, err)
	got, err := client.Get(ctx, "bal/a/1")
	require.NoError(t, err)
	require.Equal(t, kv.Value{Data: []byte("one"), Revision: rev}, got)
	_, err = client.Put(ctx, "bal/b%/2", []byte("two"))
	require.NoError(t, err)
	_, err = client.CompareAndSwap(ctx, "bal/a/1", []byte("x"), rev+1000)
	require.ErrorIs(t, err, kv.ErrConflict)

	items, err := client.ScanAll(ctx, kv.ScanOptions{Prefix: "bal/"})
	require.NoError(t, err)
	require.Len(t, items, 2)
	require.Equal(t, "bal/a/1", items[0].Key)
	require.Equal(t, "bal/b%/2", items[1].Key)

	resp, err := client.Txn(ctx, kv.TxnRequest{Success: []kv.TxnOp{{Op: "get", Key: "bal/a/1"}}})
	require.NoError(t, err)
	require.True(t, resp.Succeeded)
	require.Equal(t, []byte("one"), resp.Results[0].Value)

	deleted, _, err := client.Delete(ctx, "bal/a/1")
	require.NoError(t, err)
	require.True(t, deleted)
	_, err = client.Get(ctx, "bal/a/1")
	require.ErrorIs(t, err, kv.ErrNotFound)

	for _, b := range bal.Status().Backends {
		require.Positive(t, b.Requests, "backend %s took its share", b.ID)
	}
}

// steadyLoad puts and reads distinct keys through a client, one pair at a
// time per worker, until stopped, and keeps every error.
type steadyLoad struct {
	stop   chan struct{}
	wg     sync.WaitGroup
	done   atomic.Int64
	mu     sync.Mutex
	failed []error
}

func startSteadyLoad(t *testing.T, client *kv.Client, workers int) *steadyLoad {
	l := &steadyLoad{stop: make(chan struct{})}
	ctx := testContext(t, loadTimeout)
	for w := range workers {
		l.wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-l.stop:
					return
				default:
				}
				l.record(putGet(ctx, client, fmt.Sprintf("steady/%d/%d", w, i)))
			}
		})
	}
	t.Cleanup(l.halt)
	return l
}

// putGet writes key, reads it back and says what went wrong.
func putGet(ctx context.Context, client *kv.Client, key string) error {
	if _, err := client.Put(ctx, key, []byte(key)); err != nil {
		return fmt.Errorf("put %q: %w", key, err)
	}
	v, err := client.Get(ctx, key)
	if err == nil && string(v.Data) != key {
		err = errors.New("read another value")
	}
	if err != nil {
		return fmt.Errorf("get %q: %w", key, err)
	}
	return nil
}

func (l *steadyLoad) record(err error) {
	l.done.Add(1)
	if err != nil {
		l.mu.Lock()
		l.failed = append(l.failed, err)
		l.mu.Unlock()
	}
}

// waitMore waits until n more operations than now have completed.
func (l *steadyLoad) waitMore(t *testing.T, n int64) {
	t.Helper()
	target := l.done.Load() + n
	waitFor(t, fmt.Sprintf("%d operations of the load", target), func() (bool, string) {
		return l.done.Load() >= target, fmt.Sprintf("%d done", l.done.Load())
	})
}

func (l *steadyLoad) halt() {
	select {
	case <-l.stop:
	default:
		close(l.stop)
	}
	l.wg.Wait()
}

// errors stops the load and returns the failures.
func (l *steadyLoad) errors() []error {
	l.halt()
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.failed
}

// frontProxy serves a plain reverse proxy to target on a loopback port: a
// backend at a new URL in front of an existing node.
func frontProxy(t *testing.T, target string) string {
	u, err := url.Parse(target)
	require.NoError(t, err)
	srv := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) { pr.SetURL(u) }})
	t.Cleanup(srv.Close)
	return srv.URL
}

// Backends follow the controller as a node joins, and can be added and
// removed by hand, while a load flows through the balancer without a
// single failed request.
func TestBalancerDynamicBackends(t *testing.T) {
	c := startControlled(t, kv.ClusterConfig{})
	bal, base := startBalancer(t, fastBalancer(kv.BalancerConfig{Controller: c.Controller().URL()}))
	waitHealthy(t, bal, 3)
	api := newHTTPAPI(t)
	load := startSteadyLoad(t, newBalancerClient(t, base), 3)
	load.waitMore(t, 20)

	i, err := c.AddNode()
	require.NoError(t, err)
	id := fmt.Sprintf("n%d", i+1)
	waitFor(t, id+" receives requests through the balancer", func() (bool, string) {
		b, ok := backendStatus(bal, id)
		return ok && b.Healthy && b.Requests > 0, fmt.Sprintf("%+v", b)
	})

	front := frontProxy(t, c.Endpoints()[0])
	ans := api.do(http.MethodPost, base+"/v1/backends", []byte(`{"id":"manual","url":"`+front+`"}`), nil)
	require.Equal(t, http.StatusCreated, ans.status, "%s", ans.body)
	waitFor(t, "the manual backend receives requests", func() (bool, string) {
		b, _ := backendStatus(bal, "manual")
		return b.Requests > 5, fmt.Sprintf("%+v", b)
	})
	ans = api.do(http.MethodDelete, base+"/v1/backends/manual", nil, nil)
	require.Contains(t, []int{http.StatusOK, http.StatusAccepted}, ans.status, "%s", ans.body)
	waitFor(t, "the manual backend leaves", func() (bool, string) {
		_, ok := backendStatus(bal, "manual")
		return !ok, "still listed"
	})

	load.waitMore(t, 20)
	require.Empty(t, load.errors(), "no request failed")
	require.Equal(t, 4, bal.Status().TotalBackends)
}
