package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	kv "github.com/treekv/kv"
)

// fakeStore is a store in memory whose puts of keys ending in "7" fail.
type fakeStore struct {
	mu   sync.Mutex
	data map[string][]byte
	gets int
}

func newFakeStore() *fakeStore { return &fakeStore{data: map[string][]byte{}} }

func (s *fakeStore) Put(_ context.Context, key string, value []byte) error {
	if strings.HasSuffix(key, "7") {
		return errors.New("refused")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data[key] = value
	return nil
}

func (s *fakeStore) Get(_ context.Context, key string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gets++
	_, ok := s.data[key]
	return ok, nil
}

func (s *fakeStore) Close() error { return nil }

func TestRunCellCountsOpsErrorsAndMisses(t *testing.T) {
	st := newFakeStore()
	spec := cellSpec{target: "fake", workload: describeWorkload(0.5, consistencyLinearizable), clients: 4,
		warmup: 20 * time.Millisecond, duration: 100 * time.Millisecond, keys: keyNames(10), valueSize: 8}
	r, err := runCell(context.Background(), st, spec, cpuMeter{})
	require.NoError(t, err)
	assert.Positive(t, r.Ops)
	assert.Positive(t, r.Errors, "puts of kvbench-7 fail")
	assert.Equal(t, "refused", r.FirstError)
	assert.Positive(t, r.Misses, "kvbench-7 is never found")
	assert.Less(t, r.Misses, r.Ops)
	assert.InDelta(t, float64(r.Ops)/spec.duration.Seconds(), r.OpsPerSec, 0.1, "ops/s is ops over the measured window")
	assert.Equal(t, "mix-r0.50", r.Workload)
	assert.Equal(t, 10, r.Keys)
}

func TestRunCellStopsWhenCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	spec := cellSpec{workload: describeWorkload(0, consistencyLinearizable), clients: 2,
		duration: time.Hour, keys: keyNames(1), valueSize: 1}
	_, err := runCell(ctx, newFakeStore(), spec, cpuMeter{})
	require.ErrorIs(t, err, context.Canceled)
}

func TestPreloadWritesEveryKey(t *testing.T) {
	st := newFakeStore()
	keys := []string{"a", "b", "c"}
	require.NoError(t, preload(context.Background(), st, preloadSpec{keys: keys, valueSize: 4, workers: 2}))
	assert.Len(t, st.data, 3)
	err := preload(context.Background(), st, preloadSpec{keys: []string{"x7"}, valueSize: 4, workers: 2, pause: time.Microsecond})
	require.ErrorContains(t, err, "refused", "a key that always fails fails the preload")
}

func TestRunAgainstInProcessTreekv(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := kv.StartCluster(ctx, kv.ClusterConfig{Raft: kv.LoopbackRaftConfig()})
	require.NoError(t, err)
	defer c.Close()
	for _, client := range []string{clientHTTP, clientKV} {
		t.Run(client, func(t *testing.T) {
			args := []string{"-target", "treekv", "-endpoints", strings.Join(c.Endpoints(), ","), "-treekv-client", client,
				"-duration", "1s", "-warmup", "100ms", "-clients", "4", "-keys", "100", "-reads", "0.5"}
			cfg, err := parseConfig(args, &bytes.Buffer{})
			require.NoError(t, err)
			var stdout, stderr bytes.Buffer
			require.NoError(t, run(ctx, cfg, &stdout, &stderr))
			lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
			require.Len(t, lines, 1, "one JSON line per run")
			var line map[string]any
			require.NoError(t, json.Unmarshal([]byte(lines[0]), &line))
			for _, f := range []string{"target", "workload", "reads", "consistency", "clients", "keys", "value_size",
				"seconds", "ops", "ops_per_sec", "errors", "misses", "latency_us", "server_cpu_s", "client_cpu_s",
				"server_cpu_us_per_op"} {
				assert.Contains(t, line, f)
			}
			assert.Positive(t, line["ops"])
			assert.Less(t, line["errors"], line["ops"], "most operations succeed (a busy machine may see an election): %v", line["first_error"])
			assert.Zero(t, line["misses"], "preload wrote every key")
			assert.Equal(t, "treekv", line["target"])
			assert.ElementsMatch(t, []string{"p50", "p99", "p99.9", "mean", "max"}, keysOf(line["latency_us"]))
		})
	}
}

// keysOf returns the keys of a decoded JSON object.
func keysOf(v any) []string {
	var keys []string
	for k := range v.(map[string]any) {
		keys = append(keys, k)
	}
	return keys
}
