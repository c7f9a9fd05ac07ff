package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/treekv/kv"
	"github.com/treekv/kv/cmd/internal/local"
)

// printAloneBanner tells the user where the controller answers, how storage
// nodes and more controllers join it, and how to try its API.
func printAloneBanner(w io.Writer, s local.Config, ctl *kv.Cluster) {
	id := s.Controller.ID
	storage := "in memory (lost on exit)"
	if s.DataDir != "" {
		storage = "in " + filepath.Join(s.DataDir, id)
	}
	how := "a new controller group"
	if s.Controller.Join != "" {
		how = "joining the controller group of " + s.Controller.Join
	}
	url := "http://" + local.CurlAddr(ctl.HTTPAddr())
	fmt.Fprintf(w, "treekv controller %s is running (%s), no storage nodes in this process, data %s\n", id, how, storage)
	fmt.Fprintf(w, "  dashboard  %s/\n", url)
	fmt.Fprintf(w, "  controller %-3s http://%s  (raft %s)\n", id, ctl.HTTPAddr(), ctl.RaftAddr())
	if s.Controller.Join != "" {
		fmt.Fprintf(w, "Storage nodes may join through any controller of the group:\n")
		fmt.Fprintf(w, "  go run ./cmd/node -id ID -http HOST:PORT -raft HOST:PORT -data-dir DIR -join %s\n", url)
	} else {
		fmt.Fprintf(w, "Storage nodes join it; it places %d partitions of %d replicas once %d have joined:\n",
			s.Partitions, s.Replicas, s.Replicas)
		printNodeCommands(w, s, url)
	}
	fmt.Fprintf(w, "Try:\n")
	local.PrintControllerTry(w, ctl.HTTPAddr(), "")
	fmt.Fprintf(w, "Press Ctrl-C to stop.\n")
}

// printNodeCommands prints the command that starts each of the first
// Replicas storage nodes on the ports the node flags name.
func printNodeCommands(w io.Writer, s local.Config, url string) {
	nodes := s
	nodes.Nodes = s.Replicas
	httpAddrs, raftAddrs := nodes.Addrs(s.HTTPBasePort), nodes.Addrs(s.RaftBasePort)
	for i := range nodes.Nodes {
		id := fmt.Sprintf("n%d", i+1)
		dir := ""
		if s.DataDir != "" {
			dir = " -data-dir " + filepath.Join(s.DataDir, id)
		}
		fmt.Fprintf(w, "  go run ./cmd/node -id %s -http %s -raft %s%s -join %s\n", id, httpAddrs[i], raftAddrs[i], dir, url)
	}
}
