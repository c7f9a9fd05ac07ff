package kv_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv"
)

// loadTimeout bounds a write load however the cluster behaves.
const loadTimeout = 40 * time.Second

// writeLoad writes distinct keys from several goroutines through a
// kv.Client and remembers every write the client acknowledged.
type writeLoad struct {
	client  *kv.Client
	prefix  string
	stop    chan struct{}
	wg      sync.WaitGroup
	running atomic.Int64 // writers still writing
	mu      sync.Mutex
	acked   map[string]kv.Value // key -> the value written and its revision
	failed  []error
}

// startWriteLoad starts writers goroutines, each writing up to perWriter
// keys, until stopped or the load's deadline.
func startWriteLoad(t *testing.T, client *kv.Client, prefix string, writers, perWriter int) *writeLoad {
	w := &writeLoad{client: client, prefix: prefix, stop: make(chan struct{}), acked: map[string]kv.Value{}}
	ctx, cancel := context.WithTimeout(context.Background(), loadTimeout)
	w.running.Store(int64(writers))
	for id := range writers {
		w.wg.Go(func() {
			defer w.running.Add(-1)
			w.write(ctx, id, perWriter)
		})
	}
	t.Cleanup(func() { // a no-op once finish or halted returned
		cancel()
		w.halt()
	})
	return w
}

func (w *writeLoad) write(ctx context.Context, id, n int) {
	for i := range n {
		select {
		case <-w.stop:
			return
		case <-ctx.Done():
			return
		default:
		}
		key := fmt.Sprintf("%s/%d/%04d", w.prefix, id, i)
		value := []byte("value of " + key)
		rev, err := w.client.Put(ctx, key, value)
		w.record(key, kv.Value{Data: value, Revision: rev}, err)
	}
}

func (w *writeLoad) record(key string, v kv.Value, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		w.failed = append(w.failed, err)
		return
	}
	w.acked[key] = v
}

func (w *writeLoad) ackedCount() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.acked)
}

// waitAcked waits until at least n writes were acknowledged.
func (w *writeLoad) waitAcked(t *testing.T, n int) {
	t.Helper()
	waitFor(t, fmt.Sprintf("%d acknowledged writes", n), func() (bool, string) {
		got := w.ackedCount()
		if got < n && w.running.Load() == 0 {
			t.Fatalf("the writers finished with %d acknowledged writes, fewer than %d", got, n)
		}
		return got >= n, fmt.Sprintf("%d acknowledged", got)
	})
}

// halt stops the writers and waits for them.
func (w *writeLoad) halt() {
	select {
	case <-w.stop:
	default:
		close(w.stop)
	}
	w.wg.Wait()
}

// finish waits for the writers to write all they were asked to and returns
// the acknowledged writes.
func (w *writeLoad) finish(t *testing.T) map[string]kv.Value {
	t.Helper()
	w.wg.Wait()
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, err := range w.failed {
		require.Truef(t, errors.Is(err, kv.ErrIndeterminate) || errors.Is(err, kv.ErrUnavailable),
			"a write failed with neither a retryable nor an unknown outcome: %v", err)
	}
	t.Logf("%d writes acknowledged, %d failed", len(w.acked), len(w.failed))
	return w.acked
}

// halted stops the writers at once and returns the acknowledged writes.
func (w *writeLoad) halted(t *testing.T) map[string]kv.Value {
	t.Helper()
	w.halt()
	return w.finish(t)
}

// requireAcked checks, by linearizable reads, that every acknowledged
// write is there with its value and revision.
func requireAcked(t *testing.T, client *kv.Client, acked map[string]kv.Value) {
	t.Helper()
	ctx := testContext(t, loadTimeout)
	for key, want := range acked {
		got, err := client.Get(ctx, key)
		require.NoError(t, err, "acknowledged key %q", key)
		require.Equal(t, want, got, "acknowledged key %q", key)
	}
}

// newPatientClient returns a client that rides out elections and stopped
// nodes: many attempts, short pauses.
func newPatientClient(t *testing.T, endpoints []string) *kv.Client {
	t.Helper()
	client, err := kv.NewClient(kv.ClientConfig{
		Endpoints:   endpoints,
		MaxAttempts: 40,
		BaseBackoff: 10 * time.Millisecond,
		MaxBackoff:  200 * time.Millisecond,
	})
	require.NoError(t, err)
	t.Cleanup(client.Close)
	return client
}

// Writes keep being acknowledged while a partition's leader is stopped and
// restarted, and every write the client acknowledged survives.
func TestClusterLeaderKillUnderLoad(t *testing.T) {
	c := startCluster(t, kv.ClusterConfig{DataDir: t.TempDir()})
	client := newPatientClient(t, c.Endpoints())
	const writers, perWriter = 4, 80
	load := startWriteLoad(t, client, "failover", writers, perWriter)

	load.waitAcked(t, writers*perWriter/4)
	pid := c.Map().Partitions[0].ID
	victim, err := c.WaitLeader(testContext(t, eventually), pid)
	require.NoError(t, err)
	require.NoError(t, c.StopNode(victim))
	t.Logf("stopped n%d, leader of partition %d", victim+1, pid)

	load.waitAcked(t, writers*perWriter/2)
	waitFor(t, fmt.Sprintf("partition %d elects a new leader", pid), func() (bool, string) {
		_, ok := c.Leader(pid)
		return ok, "no leader"
	})
	require.NoError(t, c.RestartNode(victim))

	acked := load.finish(t)
	waitReady(t, c)
	requireAcked(t, client, acked)
	requireCaughtUp(t, c.Endpoints()[victim], acked)
}

// requireCaughtUp waits until the node at base holds every acknowledged
// write in its own replicas, as stale reads there show.
func requireCaughtUp(t *testing.T, base string, acked map[string]kv.Value) {
	t.Helper()
	client := newPatientClient(t, []string{base})
	ctx := testContext(t, loadTimeout)
	for key, want := range acked {
		waitFor(t, fmt.Sprintf("%s holds %q", base, key), func() (bool, string) {
			got, err := client.GetStale(ctx, key)
			return err == nil && got.Revision == want.Revision && string(got.Data) == string(want.Data),
				fmt.Sprintf("%q at revision %d (%v)", got.Data, got.Revision, err)
		})
	}
}
