// Embedded runs a treekv cluster inside this program, in memory on loopback
// ports, and uses it through the Go client: the way a program or a test
// embeds treekv without any server to deploy. Run it with
//
//	go run ./examples/embedded
package main

import (
	"context"
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
	cluster, err := kv.StartCluster(ctx, kv.ClusterConfig{Nodes: 3, Raft: kv.LoopbackRaftConfig()})
	if err != nil {
		return err
	}
	defer cluster.Close()
	client, err := cluster.NewClient()
	if err != nil {
		return err
	}
	defer client.Close()

	for _, name := range []string{"ada", "grace", "linus"} {
		if _, err := client.Put(ctx, "users/"+name, []byte("hello, "+name)); err != nil {
			return err
		}
	}
	var info kv.CallInfo
	v, err := client.Get(kv.WithCallInfo(ctx, &info), "users/grace")
	if err != nil {
		return err
	}
	fmt.Printf("users/grace = %q, served by node %s\n", v.Data, info.Node)
	for item, err := range client.ScanIter(ctx, kv.ScanOptions{Prefix: "users/"}) {
		if err != nil {
			return err
		}
		fmt.Printf("scan: %s = %q\n", item.Key, item.Value)
	}
	fmt.Println("embedded cluster: ok")
	return nil
}
