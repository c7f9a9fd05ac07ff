// Balancer puts a kv.Balancer in front of an in-process cluster, serves it
// on a loopback port, and talks to the cluster through it with the Go
// client, as a program talks to a deployed cluster's load balancer (:8081).
// Run it with
//
//	go run ./examples/balancer
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
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
	cluster, err := kv.StartCluster(ctx, kv.ClusterConfig{Raft: kv.LoopbackRaftConfig()})
	if err != nil {
		return err
	}
	defer cluster.Close()
	url, stop, err := serveBalancer(cluster.Endpoints())
	if err != nil {
		return err
	}
	defer stop()
	fmt.Println("balancer serving the data API")
	return useThrough(ctx, url)
}

// serveBalancer serves a balancer over backends on a loopback port and
// returns its URL and a function that stops it.
func serveBalancer(backends []string) (string, func(), error) {
	b, err := kv.NewBalancer(kv.BalancerConfig{Backends: backends})
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Close()
		return "", nil, err
	}
	srv := &http.Server{Handler: b, ReadHeaderTimeout: 5 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			log.Print(err)
		}
	}()
	stop := func() {
		_ = srv.Close()
		<-done
		b.Close()
	}
	return "http://" + ln.Addr().String(), stop, nil
}

// useThrough writes and reads a key through the balancer at url.
func useThrough(ctx context.Context, url string) error {
	client, err := kv.NewClient(kv.ClientConfig{Endpoints: []string{url}})
	if err != nil {
		return err
	}
	defer client.Close()
	if _, err := client.Put(ctx, "greeting", []byte("hello via the balancer")); err != nil {
		return err
	}
	var info kv.CallInfo
	v, err := client.Get(kv.WithCallInfo(ctx, &info), "greeting")
	if err != nil {
		return err
	}
	fmt.Printf("greeting = %q (served by a node: %t)\n", v.Data, info.Node != "")
	return nil
}
