package main

import (
	"fmt"
	"io"
	"net"

	"github.com/treekv/kv"
)

// printBanner tells the user where each node answers and how to try it.
func printBanner(w io.Writer, cfg config, cluster *kv.LocalCluster) {
	m := cluster.Map()
	storage := "in memory (lost on exit)"
	if cfg.dataDir != "" {
		storage = "in " + cfg.dataDir
	}
	fmt.Fprintf(w, "treekv is running: %d nodes, %d partitions of %d replicas, data %s\n",
		cluster.Size(), len(m.Partitions), cfg.replicas, storage)
	var addrs []string
	for i := range cluster.Size() {
		info := cluster.Node(i).Info()
		fmt.Fprintf(w, "  node %-3s http://%s  (raft %s)\n", info.ID, info.HTTPAddr, info.RaftAddr)
		addrs = append(addrs, curlAddr(info.HTTPAddr))
	}
	second := addrs[min(1, len(addrs)-1)]
	fmt.Fprintf(w, "Try:\n")
	fmt.Fprintf(w, "  curl -X PUT %s/v1/kv/a -d 1\n", addrs[0])
	fmt.Fprintf(w, "  curl %s/v1/kv/a\n", second)
	fmt.Fprintf(w, "  curl '%s/v1/scan?prefix=a'\n", second)
	fmt.Fprintf(w, "  curl %s/v1/status\n", addrs[0])
	fmt.Fprintf(w, "Press Ctrl-C to stop.\n")
}

// curlAddr names a loopback or wildcard listen address as localhost, the
// way a user would type it.
func curlAddr(hostport string) string {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return hostport
	}
	if ip := net.ParseIP(host); ip != nil && (ip.IsLoopback() || ip.IsUnspecified()) {
		return net.JoinHostPort("localhost", port)
	}
	return hostport
}
