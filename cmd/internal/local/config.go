// Package local runs a whole treekv system in one process: a controller,
// the storage nodes that join it, on consecutive ports, and optionally the
// load balancer and the client web UI in front of them. It is the shared
// core of cmd/treekv (the all-in-one, with the balancer and the UI) and of
// cmd/controller with its embedded nodes (without them).
package local

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/treekv/kv"
)

// Config is what an all-in-one process is asked for: its nodes from the
// flags RegisterFlags defines, its controller from the command's own flags.
type Config struct {
	// Host is the host every node listens on.
	Host string
	// HTTPBasePort and RaftBasePort are the ports of node 1; node i listens
	// on base+i-1. 0 lets the system pick a free port for every node.
	HTTPBasePort int
	RaftBasePort int
	// Nodes is how many storage nodes to run.
	Nodes int
	// Partitions and Replicas shape the partition map of a new cluster.
	Partitions int
	Replicas   int
	// DataDir keeps node i in DataDir/n<i> and the controller in
	// DataDir/<controller ID>; empty keeps everything in memory.
	DataDir string
	// Controller configures the controller the nodes join. Its ID,
	// addresses and health thresholds are the command's; StartCluster fills
	// in the map's shape, Raft timings and data directory.
	Controller kv.ControllerConfig
	// BalancerAddr, when set, is where a load balancer listens in front of
	// the nodes, which it learns from the controller (port 0: any free
	// port). UIAddr, when set, is where the client web UI listens; its
	// calls go through the balancer, so it needs BalancerAddr. Empty runs
	// neither.
	BalancerAddr string
	UIAddr       string
	// HeartbeatInterval and Raft are left zero (the defaults) by the
	// commands; tests shorten them.
	HeartbeatInterval time.Duration
	Raft              kv.RaftConfig
}

// RegisterFlags defines on fs the node flags shared by the all-in-one
// commands, with the design's defaults, storing into c: -host,
// -http-base-port, -raft-base-port, -nodes (described by nodesUsage),
// -partitions, -replicas and -data-dir.
func (c *Config) RegisterFlags(fs *flag.FlagSet, nodesUsage string) {
	fs.StringVar(&c.Host, "host", "127.0.0.1", "host every storage node listens on")
	fs.IntVar(&c.HTTPBasePort, "http-base-port", 9001, "HTTP port of node 1; node i listens on base+i-1 (0: any free port)")
	fs.IntVar(&c.RaftBasePort, "raft-base-port", 9101, "Raft port of node 1; node i listens on base+i-1 (0: any free port)")
	fs.IntVar(&c.Nodes, "nodes", 3, nodesUsage)
	fs.IntVar(&c.Partitions, "partitions", 8, "number of hash partitions")
	fs.IntVar(&c.Replicas, "replicas", 3, "replicas per partition")
	fs.StringVar(&c.DataDir, "data-dir", "treekv-data", `directory of the controller's and the nodes' data, resumed on restart; "" keeps everything in memory (lost on exit)`)
}

// Validate reports, in the words of the flags, the first value that cannot
// work. Nodes may be 0 (a controller whose nodes run elsewhere); otherwise
// it must leave room for Replicas distinct nodes and their ports.
func (c Config) Validate() error {
	switch {
	case c.Nodes < 0:
		return fmt.Errorf("-nodes (%d) cannot be negative", c.Nodes)
	case c.Replicas < 1:
		return fmt.Errorf("-replicas (%d) must be at least 1", c.Replicas)
	case c.Nodes > 0 && c.Replicas > c.Nodes:
		return fmt.Errorf("-replicas (%d) must be from 1 to -nodes (%d)", c.Replicas, c.Nodes)
	case c.Partitions < 1:
		return fmt.Errorf("-partitions (%d) must be at least 1", c.Partitions)
	case c.UIAddr != "" && c.BalancerAddr == "":
		return errors.New("the client UI calls the balancer: it needs a balancer address")
	}
	if err := checkPorts("-http-base-port", c.HTTPBasePort, c.Nodes); err != nil {
		return err
	}
	return checkPorts("-raft-base-port", c.RaftBasePort, c.Nodes)
}

func checkPorts(flagName string, base, nodes int) error {
	if base < 0 || (base > 0 && base+nodes-1 > 65535) {
		return fmt.Errorf("%s (%d) leaves no room for %d ports below 65536", flagName, base, nodes)
	}
	return nil
}

// Addrs returns the listen address of each node on Host, counting up from
// base; base 0 gives every node port 0.
func (c Config) Addrs(base int) []string {
	out := make([]string, c.Nodes)
	for i := range out {
		port := 0
		if base > 0 {
			port = base + i
		}
		out[i] = net.JoinHostPort(c.Host, strconv.Itoa(port))
	}
	return out
}

// clusterConfig is the in-process cluster c asks for, logging to logger.
func (c Config) clusterConfig(logger *slog.Logger) kv.ClusterConfig {
	ctl := c.Controller
	ctl.Logger = logger
	return kv.ClusterConfig{
		Nodes:             c.Nodes,
		Partitions:        c.Partitions,
		Replicas:          c.Replicas,
		DataDir:           c.DataDir,
		HTTPAddrs:         c.Addrs(c.HTTPBasePort),
		RaftAddrs:         c.Addrs(c.RaftBasePort),
		Controller:        &ctl,
		HeartbeatInterval: c.HeartbeatInterval,
		Raft:              c.Raft,
		Logger:            logger,
	}
}
