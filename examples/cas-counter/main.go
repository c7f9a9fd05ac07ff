// Cas-counter increments one counter from 8 goroutines at once with
// compare-and-swap: each reads the counter, writes the next value only if
// nobody changed it since, and tries again on a conflict. No increment is
// lost. Run it with
//
//	go run ./examples/cas-counter
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strconv"
	"sync"
	"time"

	"github.com/treekv/kv"
)

const (
	workers    = 8
	increments = 10 // per worker
	key        = "counter"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cluster, err := kv.StartCluster(ctx, kv.ClusterConfig{Raft: kv.LoopbackRaftConfig()})
	if err != nil {
		return err
	}
	defer cluster.Close()
	client, err := cluster.NewClient()
	if err != nil {
		return err
	}
	defer client.Close()

	conflicts, err := contend(ctx, client)
	if err != nil {
		return err
	}
	v, err := client.Get(ctx, key)
	if err != nil {
		return err
	}
	fmt.Printf("%d workers made %d increments (%d conflicts retried)\n", workers, workers*increments, conflicts)
	fmt.Printf("counter = %s\n", v.Data)
	return nil
}

// contend runs the workers and returns how many conflicts they retried.
func contend(ctx context.Context, c *kv.Client) (int, error) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conflicts int
	errs := make([]error, workers)
	for w := range workers {
		wg.Go(func() {
			for range increments {
				n, err := increment(ctx, c)
				mu.Lock()
				conflicts += n
				mu.Unlock()
				if err != nil {
					errs[w] = err
					return
				}
			}
		})
	}
	wg.Wait()
	return conflicts, errors.Join(errs...)
}

// increment adds one to the counter and returns how many conflicts it met.
// A compare-and-swap with revision 0 creates the counter if it is absent.
func increment(ctx context.Context, c *kv.Client) (conflicts int, err error) {
	for {
		count, rev, err := read(ctx, c)
		if err != nil {
			return conflicts, err
		}
		_, err = c.CompareAndSwap(ctx, key, []byte(strconv.Itoa(count+1)), rev)
		if !errors.Is(err, kv.ErrConflict) {
			return conflicts, err
		}
		conflicts++
	}
}

// read returns the counter and its revision; an absent counter is 0 at
// revision 0.
func read(ctx context.Context, c *kv.Client) (count int, rev uint64, err error) {
	v, err := c.Get(ctx, key)
	if errors.Is(err, kv.ErrNotFound) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, err
	}
	count, err = strconv.Atoi(string(v.Data))
	return count, v.Revision, err
}
