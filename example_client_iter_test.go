package kv_test

import (
	"context"
	"fmt"
	"time"

	"github.com/treekv/kv"
)

// exampleCluster starts a one-node cluster for an example, or prints why it
// could not. The caller closes it.
func exampleCluster(ctx context.Context) (*kv.LocalCluster, *kv.Client, bool) {
	cluster, err := kv.StartCluster(ctx, kv.ClusterConfig{Nodes: 1, Replicas: 1, Partitions: 2,
		Raft: kv.LoopbackRaftConfig()})
	if err != nil {
		fmt.Println(err)
		return nil, nil, false
	}
	client, err := cluster.NewClient()
	if err != nil {
		fmt.Println(err)
		cluster.Close()
		return nil, nil, false
	}
	return cluster, client, true
}

// ScanIter ranges over every key of a prefix, in byte order, fetching one
// page at a time; breaking out of the loop stops the scan.
func ExampleClient_ScanIter() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cluster, client, ok := exampleCluster(ctx)
	if !ok {
		return
	}
	defer cluster.Close()
	defer client.Close()
	for _, k := range []string{"fruit/cherry", "fruit/apple", "veg/leek", "fruit/banana"} {
		if _, err := client.Put(ctx, k, []byte("in stock")); err != nil {
			fmt.Println(err)
			return
		}
	}

	for item, err := range client.ScanIter(ctx, kv.ScanOptions{Prefix: "fruit/", Limit: 2}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s = %s\n", item.Key, item.Value)
	}
	// Output:
	// fruit/apple = in stock
	// fruit/banana = in stock
	// fruit/cherry = in stock
}

// WithCallInfo tells how a call went: how many requests it took and which
// node served the answer.
func ExampleWithCallInfo() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cluster, client, ok := exampleCluster(ctx)
	if !ok {
		return
	}
	defer cluster.Close()
	defer client.Close()

	var info kv.CallInfo
	if _, err := client.Put(kv.WithCallInfo(ctx, &info), "greeting", []byte("hello")); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("attempts %d, retries %d, served by %s\n", info.Attempts, info.Retries, info.Node)
	fmt.Println("endpoint is a node:", info.Endpoint == cluster.Endpoints()[0])
	// Output:
	// attempts 1, retries 0, served by n1
	// endpoint is a node: true
}
