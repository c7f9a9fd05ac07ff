package kv_test

import (
	"context"
	"fmt"
	"time"

	"github.com/treekv/kv"
)

// StartCluster runs a whole cluster inside the program, on loopback ports;
// its NewClient talks to it like any other client.
func ExampleStartCluster() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cluster, err := kv.StartCluster(ctx, kv.ClusterConfig{
		Nodes: 3,
		// Loopback networks allow much faster elections than the defaults.
		Raft: kv.LoopbackRaftConfig(),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cluster.Close()

	client, err := cluster.NewClient()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.Close()
	if _, err := client.Put(ctx, "greeting", []byte("hello, treekv")); err != nil {
		fmt.Println(err)
		return
	}
	v, err := client.Get(ctx, "greeting")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(v.Data))
	// Output: hello, treekv
}
