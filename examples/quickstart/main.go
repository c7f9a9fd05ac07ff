// Quickstart starts a three-node treekv cluster inside this process, in
// memory, and walks through the Go API: Put, Get, CompareAndSwap, Scan and a
// transaction. Run it with
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/treekv/kv"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// The zero config: 3 nodes, 8 hash partitions of 3 replicas, in memory,
	// on ports the system picks.
	cluster, err := kv.StartCluster(ctx, kv.ClusterConfig{})
	if err != nil {
		return err
	}
	defer cluster.Close()
	fmt.Println("cluster ready at", cluster.Endpoints())

	client, err := cluster.NewClient()
	if err != nil {
		return err
	}
	defer client.Close()
	if err := putAndGet(ctx, client); err != nil {
		return err
	}
	if err := compareAndSwap(ctx, client); err != nil {
		return err
	}
	if err := scan(ctx, client); err != nil {
		return err
	}
	return transfer(ctx, client)
}

func putAndGet(ctx context.Context, c *kv.Client) error {
	rev, err := c.Put(ctx, "greeting", []byte("hello"))
	if err != nil {
		return err
	}
	fmt.Println("put greeting at revision", rev)
	v, err := c.Get(ctx, "greeting")
	if err != nil {
		return err
	}
	fmt.Printf("get greeting = %q (revision %d)\n", v.Data, v.Revision)
	return nil
}

// compareAndSwap updates a key only if nobody changed it since it was read.
func compareAndSwap(ctx context.Context, c *kv.Client) error {
	v, err := c.Get(ctx, "greeting")
	if err != nil {
		return err
	}
	rev, err := c.CompareAndSwap(ctx, "greeting", []byte("hello, world"), v.Revision)
	if err != nil {
		return err
	}
	fmt.Println("compare-and-swap succeeded, new revision", rev)
	// The same swap again fails: the key has moved on.
	_, err = c.CompareAndSwap(ctx, "greeting", []byte("stale write"), v.Revision)
	var conflict *kv.ConflictError
	if !errors.As(err, &conflict) {
		return fmt.Errorf("expected a conflict, got %v", err)
	}
	fmt.Println("stale compare-and-swap refused:", conflict)
	return nil
}

func scan(ctx context.Context, c *kv.Client) error {
	for _, k := range []string{"fruit/apple", "fruit/banana", "fruit/cherry", "veg/leek"} {
		if _, err := c.Put(ctx, k, []byte("in stock")); err != nil {
			return err
		}
	}
	page, err := c.Scan(ctx, kv.ScanOptions{Prefix: "fruit/", Limit: 2})
	if err != nil {
		return err
	}
	for _, item := range page.Items {
		fmt.Printf("scan fruit/: %s = %q\n", item.Key, item.Value)
	}
	rest, err := c.Scan(ctx, kv.ScanOptions{Prefix: "fruit/", Limit: 2, Cursor: page.Next})
	if err != nil {
		return err
	}
	for _, item := range rest.Items {
		fmt.Printf("scan fruit/, next page: %s = %q\n", item.Key, item.Value)
	}
	return nil
}

// transfer moves 30 from one account to another atomically. Keys sharing
// the {tag} "acct" live in one partition, so one transaction may hold them.
func transfer(ctx context.Context, c *kv.Client) error {
	for key, balance := range map[string]string{"{acct}/alice": "100", "{acct}/bob": "0"} {
		if _, err := c.Put(ctx, key, []byte(balance)); err != nil {
			return err
		}
	}
	resp, err := c.Txn(ctx, kv.TxnRequest{
		Compare: []kv.TxnCompare{{Key: "{acct}/alice", Target: "value", Op: "=", Value: []byte("100")}},
		Success: []kv.TxnOp{
			{Op: "put", Key: "{acct}/alice", Value: []byte("70")},
			{Op: "put", Key: "{acct}/bob", Value: []byte("30")},
		},
		Failure: []kv.TxnOp{{Op: "get", Key: "{acct}/alice"}},
	})
	if err != nil {
		return err
	}
	fmt.Println("transaction succeeded:", resp.Succeeded, "at revision", resp.Revision)
	// Keys of different partitions cannot share a transaction.
	_, err = c.Txn(ctx, kv.TxnRequest{Success: []kv.TxnOp{{Op: "get", Key: "fruit/apple"}, {Op: "get", Key: "veg/leek"}}})
	if !errors.Is(err, kv.ErrBadRequest) {
		return fmt.Errorf("expected a cross-partition transaction to be refused, got %v", err)
	}
	fmt.Println("cross-partition transaction refused:", err)
	return nil
}
