package local

import (
	"cmp"
	"fmt"
	"io"
	"net"

	"github.com/treekv/kv"
)

// PrintBanner tells the user where the dashboard, the controller and each
// node answer, and how to try them.
func PrintBanner(w io.Writer, cfg Config, cluster *kv.LocalCluster) {
	m := cluster.Map()
	replicas := cfg.Replicas
	if len(m.Partitions) > 0 {
		replicas = len(m.Partitions[0].Replicas)
	}
	storage := "in memory (lost on exit)"
	if cfg.DataDir != "" {
		storage = "in " + cfg.DataDir
	}
	ctl := cluster.Controller()
	id := cmp.Or(cfg.Controller.ID, "c1")
	fmt.Fprintf(w, "treekv is running: controller %s and %d nodes, %d partitions of %d replicas, data %s\n",
		id, cluster.Size(), len(m.Partitions), replicas, storage)
	fmt.Fprintf(w, "  dashboard  http://%s/\n", CurlAddr(ctl.HTTPAddr()))
	fmt.Fprintf(w, "  controller %-3s http://%s  (raft %s)\n", id, ctl.HTTPAddr(), ctl.RaftAddr())
	var addrs []string
	for i := range cluster.Size() {
		info := cluster.Node(i).Info()
		fmt.Fprintf(w, "  node %-3s http://%s  (raft %s)\n", info.ID, info.HTTPAddr, info.RaftAddr)
		addrs = append(addrs, CurlAddr(info.HTTPAddr))
	}
	second := addrs[min(1, len(addrs)-1)]
	fmt.Fprintf(w, "Try:\n")
	fmt.Fprintf(w, "  curl -X PUT %s/v1/kv/a -d 1\n", addrs[0])
	fmt.Fprintf(w, "  curl %s/v1/kv/a\n", second)
	fmt.Fprintf(w, "  curl '%s/v1/scan?prefix=a'\n", second)
	fmt.Fprintf(w, "  curl %s/v1/status\n", addrs[0])
	PrintControllerTry(w, ctl.HTTPAddr(), cluster.Node(min(1, cluster.Size()-1)).ID())
	fmt.Fprintf(w, "Press Ctrl-C to stop.\n")
}

// PrintControllerTry prints curl commands for the controller API at
// hostport; with localNode set, also how to stop and restart that node,
// which runs in the controller's process.
func PrintControllerTry(w io.Writer, hostport, localNode string) {
	addr := CurlAddr(hostport)
	fmt.Fprintf(w, "  curl %s/v1/cluster\n", addr)
	fmt.Fprintf(w, "  curl -N %s/v1/events\n", addr)
	if localNode != "" {
		fmt.Fprintf(w, "  curl -X POST %s/v1/local/nodes/%s/stop    (and .../restart)\n", addr, localNode)
	}
}

// CurlAddr names a loopback or wildcard listen address as localhost, the
// way a user would type it.
func CurlAddr(hostport string) string {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return hostport
	}
	if ip := net.ParseIP(host); ip != nil && (ip.IsLoopback() || ip.IsUnspecified()) {
		return net.JoinHostPort("localhost", port)
	}
	return hostport
}
