// Failover starts a three-node cluster with its data on disk (in a temporary
// directory), stops the node that leads a key's partition, keeps writing and
// reading through the retrying client while the others elect a new leader,
// then restarts the node, which catches up. Run it with
//
//	go run ./examples/failover
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/treekv/kv"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dir, err := os.MkdirTemp("", "treekv-failover-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cluster, err := kv.StartCluster(ctx, kv.ClusterConfig{DataDir: dir, Raft: kv.LoopbackRaftConfig()})
	if err != nil {
		return err
	}
	defer cluster.Close()
	// Many attempts with short pauses ride out an election.
	client, err := kv.NewClient(kv.ClientConfig{Endpoints: cluster.Endpoints(),
		MaxAttempts: 40, BaseBackoff: 10 * time.Millisecond, MaxBackoff: 200 * time.Millisecond})
	if err != nil {
		return err
	}
	defer client.Close()
	return failover(ctx, cluster, client)
}

func failover(ctx context.Context, cluster *kv.LocalCluster, client *kv.Client) error {
	if err := write(ctx, client, 0, 5); err != nil {
		return err
	}
	victim, err := leaderOf(cluster, "events/0")
	if err != nil {
		return err
	}
	if err := cluster.StopNode(victim); err != nil {
		return err
	}
	fmt.Printf("stopped node n%d, the leader of events/0's partition\n", victim+1)
	if err := write(ctx, client, 5, 10); err != nil {
		return err
	}
	if err := cluster.RestartNode(victim); err != nil {
		return err
	}
	fmt.Printf("restarted node n%d\n", victim+1)
	if err := write(ctx, client, 10, 15); err != nil {
		return err
	}
	return readAll(ctx, client, 15)
}

// write puts events/from .. events/to-1, reporting the retries each took.
func write(ctx context.Context, c *kv.Client, from, to int) error {
	for i := from; i < to; i++ {
		var info kv.CallInfo
		key := fmt.Sprintf("events/%d", i)
		if _, err := c.Put(kv.WithCallInfo(ctx, &info), key, []byte(fmt.Sprint("event ", i))); err != nil {
			return fmt.Errorf("put %s: %w", key, err)
		}
		if info.Retries > 0 {
			fmt.Printf("put %s took %d retries\n", key, info.Retries)
		}
	}
	return nil
}

// readAll checks that every one of the n events written is there.
func readAll(ctx context.Context, c *kv.Client, n int) error {
	count := 0
	for _, err := range c.ScanIter(ctx, kv.ScanOptions{Prefix: "events/"}) {
		if err != nil {
			return err
		}
		count++
	}
	if count != n {
		return fmt.Errorf("read back %d events, want %d", count, n)
	}
	fmt.Printf("all %d events written across the failover are there\n", n)
	return nil
}

// leaderOf returns the index of the node leading key's partition.
func leaderOf(cluster *kv.LocalCluster, key string) (int, error) {
	p, err := cluster.Map().Locate(key)
	if err != nil {
		return 0, err
	}
	i, ok := cluster.Leader(p.ID)
	if !ok {
		return 0, fmt.Errorf("partition %d has no leader", p.ID)
	}
	return i, nil
}
