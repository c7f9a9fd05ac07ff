package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
)

// describeRun says how the comparison ran: the machine, the servers and
// the load, as a few markdown lines above the table.
func describeRun(cfg config) string {
	var b strings.Builder
	fmt.Fprintf(&b, "- machine: %d cores, %s, %s/%s, %s\n", runtime.NumCPU(), cpuModel(), runtime.GOOS, runtime.GOARCH, runtime.Version())
	for _, t := range cfg.targets {
		fmt.Fprintf(&b, "- %s: %s\n", t, describeServers(cfg, t))
	}
	fmt.Fprintf(&b, "- load: %d-byte values over %d keys, %s per cell after %s of warm-up, median of %d runs\n",
		cfg.valueSize, cfg.keys, cfg.duration, cfg.warmup, cfg.repeat)
	fmt.Fprintf(&b, "- command: kvbench %s\n", strings.Join(os.Args[1:], " "))
	return b.String()
}

// describeServers says what -start ran for target.
func describeServers(cfg config, target string) string {
	switch target {
	case targetTreekv:
		return describeTreekv(cfg)
	case targetEtcd:
		return fmt.Sprintf("%s, %d members, clientv3 over %s", version(cfg.servers.etcdBin, "--version"),
			etcdMembers, describeEtcdConns(cfg.etcd.conns))
	default:
		return fmt.Sprintf("%s, appendonly yes, appendfsync always, go-redis", version(cfg.servers.redisBin, "--version"))
	}
}

// describeTreekv says how -start ran treekv and how the requests reached
// it, naming the -treekv-via mode.
func describeTreekv(cfg config) string {
	servers := fmt.Sprintf("%d cmd/node processes", treekvNodes)
	route := map[string]string{
		viaLeaders: "each request straight to its partition's leader, from the controller's map",
		viaNodes:   "requests to the nodes in turn, which forward them to the partition's leader",
		viaBalance: "requests through a cmd/load-balancer in front of the nodes",
	}[cfg.servers.via]
	if cfg.servers.via == viaLeaders {
		servers += " joined to a cmd/controller (its CPU counted with theirs)"
	}
	return fmt.Sprintf("%s, %d partitions of %d replicas, -treekv-via %s: %s, sent by %s", servers,
		cfg.servers.partitions, treekvReplicas, cfg.servers.via, route, describeClient(cfg))
}

// describeClient names the treekv client and, when it routes to the
// leaders, how it batches.
func describeClient(cfg config) string {
	switch {
	case cfg.treekv.client != clientKV:
		return "net/http"
	case cfg.servers.via != viaLeaders:
		return "kv.Client"
	case cfg.treekv.maxBatch == 1:
		return "kv.Client, every call alone (-treekv-max-batch 1)"
	case cfg.treekv.maxBatch > 1:
		return fmt.Sprintf("kv.Client, the calls waiting for a node sent together in POST /v1/batch (up to %d)", cfg.treekv.maxBatch)
	}
	return "kv.Client, the calls waiting for a node sent together in POST /v1/batch"
}

// describeEtcdConns says how many gRPC connections the etcd target uses.
func describeEtcdConns(conns int) string {
	if conns == 0 {
		return fmt.Sprintf("one gRPC connection per %d clients", clientsPerEtcdConn)
	}
	return fmt.Sprintf("%d gRPC connections", conns)
}

// version returns "bin X.Y.Z" with the version bin prints for arg, or
// "bin (version unknown)".
func version(bin, arg string) string {
	out, err := exec.Command(bin, arg).Output()
	if v := regexp.MustCompile(`\d+\.\d+\.\d+`).Find(out); err == nil && v != nil {
		return filepath.Base(bin) + " " + string(v)
	}
	return filepath.Base(bin) + " (version unknown)"
}

// cpuModel returns the processor's model name from /proc/cpuinfo.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown processor"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if name, value, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(name) == "model name" {
			return strings.TrimSpace(value)
		}
	}
	return "unknown processor"
}
