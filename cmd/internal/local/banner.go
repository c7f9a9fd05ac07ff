package local

import (
	"cmp"
	"fmt"
	"io"
	"net"

	"github.com/treekv/kv"
)

// PrintBanner tells the user where the dashboard, the servers in front of
// the cluster (fronts, empty for none), the controller and each node
// answer, and how to try them: through the balancer when it runs, else
// through the nodes.
func PrintBanner(w io.Writer, cfg Config, cluster *kv.LocalCluster, fronts Fronts) {
	ctl := cluster.Controller()
	id := cmp.Or(cfg.Controller.ID, "c1")
	printSummary(w, cfg, cluster, id)
	fmt.Fprintf(w, "  dashboard  http://%s/\n", CurlAddr(ctl.HTTPAddr()))
	printFronts(w, fronts)
	fmt.Fprintf(w, "  controller %-3s http://%s  (raft %s)\n", id, ctl.HTTPAddr(), ctl.RaftAddr())
	var addrs []string
	for i := range cluster.Size() {
		info := cluster.Node(i).Info()
		fmt.Fprintf(w, "  node %-3s http://%s  (raft %s)\n", info.ID, info.HTTPAddr, info.RaftAddr)
		addrs = append(addrs, CurlAddr(info.HTTPAddr))
	}
	fmt.Fprintf(w, "Try:\n")
	printDataTry(w, fronts, addrs)
	PrintControllerTry(w, ctl.HTTPAddr(), cluster.Node(min(1, cluster.Size()-1)).ID())
	fmt.Fprintf(w, "Press Ctrl-C to stop.\n")
}

// printSummary prints the banner's first line: what runs and where its data
// lives.
func printSummary(w io.Writer, cfg Config, cluster *kv.LocalCluster, controllerID string) {
	m := cluster.Map()
	replicas := cfg.Replicas
	if len(m.Partitions) > 0 {
		replicas = len(m.Partitions[0].Replicas)
	}
	storage := "in memory (lost on exit)"
	if cfg.DataDir != "" {
		storage = "in " + cfg.DataDir
	}
	fmt.Fprintf(w, "treekv is running: controller %s and %d nodes, %d partitions of %d replicas, data %s\n",
		controllerID, cluster.Size(), len(m.Partitions), replicas, storage)
}

// printFronts lists the balancer's status page and the client UI, when they
// run.
func printFronts(w io.Writer, fronts Fronts) {
	if fronts.Balancer != "" {
		fmt.Fprintf(w, "  balancer   http://%s/  (status page; the data API, forwarded to the nodes)\n", CurlAddr(fronts.Balancer))
	}
	if fronts.UI != "" {
		fmt.Fprintf(w, "  client UI  http://%s/\n", CurlAddr(fronts.UI))
	}
}

// printDataTry prints curl commands for the data API: through the balancer
// when it runs, else a write on the first node and reads on the second.
func printDataTry(w io.Writer, fronts Fronts, nodes []string) {
	writeTo, readFrom := nodes[0], nodes[min(1, len(nodes)-1)]
	if fronts.Balancer != "" {
		writeTo, readFrom = CurlAddr(fronts.Balancer), CurlAddr(fronts.Balancer)
	}
	fmt.Fprintf(w, "  curl -X PUT %s/v1/kv/a -d 1\n", writeTo)
	fmt.Fprintf(w, "  curl %s/v1/kv/a\n", readFrom)
	fmt.Fprintf(w, "  curl '%s/v1/scan?prefix=a'\n", readFrom)
	if fronts.Balancer != "" {
		fmt.Fprintf(w, "  curl %s/v1/backends\n", writeTo)
	}
	fmt.Fprintf(w, "  curl %s/v1/status\n", nodes[0])
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
