package kv_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/treekv/kv"
)

// The benchmarks run a 3-node cluster on loopback and measure whole
// requests through kv.Client: HTTP, forwarding to the leader, Raft commit
// (writes) or the ReadIndex barrier (linearizable reads).

func benchCluster(b *testing.B) (*kv.LocalCluster, *kv.Client) {
	b.Helper()
	c := startCluster(b, kv.ClusterConfig{})
	return c, newClusterClient(b, c)
}

func reportOps(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

func BenchmarkClusterPut(b *testing.B) {
	_, client := benchCluster(b)
	ctx := context.Background()
	value := make([]byte, 128)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		if _, err := client.Put(ctx, fmt.Sprintf("bench/put/%d", i), value); err != nil {
			b.Fatal(err)
		}
	}
	reportOps(b)
}

func BenchmarkClusterPutParallel(b *testing.B) {
	_, client := benchCluster(b)
	ctx := context.Background()
	value := make([]byte, 128)
	var seq atomic.Int64
	b.SetParallelism(4) // several requests in flight per CPU, as a server sees them
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := client.Put(ctx, fmt.Sprintf("bench/parallel/%d", seq.Add(1)), value); err != nil {
				b.Error(err)
				return
			}
		}
	})
	reportOps(b)
}

// benchGet measures get on keys written beforehand, spread over the
// partitions.
func benchGet(b *testing.B, get func(*kv.Client, context.Context, string) (kv.Value, error)) {
	c, client := benchCluster(b)
	ctx := context.Background()
	const keys = 64
	for i := range keys {
		if _, err := client.Put(ctx, fmt.Sprintf("bench/get/%d", i), make([]byte, 128)); err != nil {
			b.Fatal(err)
		}
	}
	waitReplicated(b, c, "bench/get/", keys)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		if _, err := get(client, ctx, fmt.Sprintf("bench/get/%d", i%keys)); err != nil {
			b.Fatal(err)
		}
	}
	reportOps(b)
}

func BenchmarkClusterGetLinearizable(b *testing.B) { benchGet(b, (*kv.Client).Get) }

func BenchmarkClusterGetStale(b *testing.B) { benchGet(b, (*kv.Client).GetStale) }

// waitReplicated waits until every node holds keys prefix0 to prefix<n-1>
// in its own replicas, so stale reads anywhere find them.
func waitReplicated(b *testing.B, c *kv.LocalCluster, prefix string, n int) {
	b.Helper()
	ctx := context.Background()
	for _, base := range c.Endpoints() {
		client, err := kv.NewClient(kv.ClientConfig{Endpoints: []string{base}})
		if err != nil {
			b.Fatal(err)
		}
		defer client.Close()
		for i := range n {
			key := fmt.Sprintf("%s%d", prefix, i)
			waitFor(b, base+" holds "+key, func() (bool, string) {
				_, err := client.GetStale(ctx, key)
				return err == nil, fmt.Sprint(err)
			})
		}
	}
}
