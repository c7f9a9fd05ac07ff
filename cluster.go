package kv

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/treekv/kv/node"
)

// Types of the storage node that users of StartCluster meet.
type (
	// Node is one storage node: replicas of partitions and the HTTP API.
	Node = node.Node
	// NodeStatus describes a node and its replicas.
	NodeStatus = node.NodeStatus
	// ReplicaStatus describes one replica of a partition.
	ReplicaStatus = node.ReplicaStatus
	// RaftConfig holds Raft timings and snapshot settings.
	RaftConfig = node.RaftConfig
	// Limits bounds keys, values and request bodies.
	Limits = node.Limits
)

// LoopbackRaftConfig returns Raft timings for a cluster whose nodes share
// one machine, as in tests and demos: a heartbeat and election timeout of
// 200ms and a leader lease of 100ms, so a failover takes a few hundred
// milliseconds rather than seconds. Across a real network use the defaults
// (the zero RaftConfig): these timings would cause needless elections.
func LoopbackRaftConfig() RaftConfig {
	return RaftConfig{
		HeartbeatTimeout:   200 * time.Millisecond,
		ElectionTimeout:    200 * time.Millisecond,
		LeaderLeaseTimeout: 100 * time.Millisecond,
	}
}

// ClusterConfig configures StartCluster. The zero value starts 3 nodes with
// 8 hash partitions of 3 replicas each, in memory, on loopback ports the
// system picks.
type ClusterConfig struct {
	// Nodes is how many storage nodes to start. Default 3.
	Nodes int
	// Partitioner is KindHash (default) or KindRange.
	Partitioner string
	// Partitions is the number of hash partitions. Default 8.
	Partitions int
	// SplitKeys split the keyspace of a KindRange cluster.
	SplitKeys []string
	// Replicas is the number of replicas per partition. Default 3.
	Replicas int
	// DataDir, when set, gives node i (from 1) the directory DataDir/n<i>,
	// so nodes can be restarted with everything they acknowledged. Empty
	// means in-memory storage: for demos and tests only.
	DataDir string
	// HTTPAddrs and RaftAddrs, when set, give node i its listen addresses
	// (one per node). Default "127.0.0.1:0" for each.
	HTTPAddrs []string
	RaftAddrs []string
	// Controller, when set, runs a controller in this process with this
	// configuration: the nodes join it, it plans the partition map and keeps
	// the placement, and its dashboard may stop, restart and isolate the
	// nodes. StartCluster fills in its ID ("c1" when empty), the map's shape
	// (Partitioner, Partitions, SplitKeys, Replicas), Raft timings and data
	// directory when unset, and Local.
	Controller *ControllerConfig
	// JoinController, instead of Controller, points the nodes at a
	// controller that runs elsewhere: its base URL, or the comma-separated
	// URLs of its instances. The controller plans the map.
	JoinController string
	// HeartbeatInterval is how often nodes report to the controller.
	// Default 1s.
	HeartbeatInterval time.Duration
	// Raft, Limits and Logger apply to every node.
	Raft   RaftConfig
	Limits Limits
	Logger *slog.Logger

	controllerURL string // set by StartCluster once the controller listens
}

func (c ClusterConfig) withDefaults() ClusterConfig {
	if c.Nodes == 0 {
		c.Nodes = 3
	}
	if c.Replicas == 0 {
		c.Replicas = 3
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

func (c ClusterConfig) validate() error {
	if c.Nodes < 1 {
		return fmt.Errorf("Nodes (%d) must be at least 1", c.Nodes)
	}
	if c.Replicas > c.Nodes {
		return fmt.Errorf("Replicas (%d) cannot exceed Nodes (%d): no node may hold two replicas of a partition", c.Replicas, c.Nodes)
	}
	if len(c.HTTPAddrs) != 0 && len(c.HTTPAddrs) != c.Nodes {
		return fmt.Errorf("HTTPAddrs has %d addresses for %d nodes", len(c.HTTPAddrs), c.Nodes)
	}
	if c.Controller != nil && c.JoinController != "" {
		return fmt.Errorf("set Controller or JoinController, not both")
	}
	if len(c.RaftAddrs) != 0 && len(c.RaftAddrs) != c.Nodes {
		return fmt.Errorf("RaftAddrs has %d addresses for %d nodes", len(c.RaftAddrs), c.Nodes)
	}
	return nil
}

// nodeConfig is the configuration of node i (0-based).
func (c ClusterConfig) nodeConfig(i int) node.Config {
	nc := node.Config{ID: nodeID(i), Raft: c.Raft, Limits: c.Limits, Logger: c.Logger,
		Controller: c.controllerURL, HeartbeatInterval: c.HeartbeatInterval}
	if i < len(c.HTTPAddrs) {
		nc.HTTPAddr = c.HTTPAddrs[i]
	}
	if i < len(c.RaftAddrs) {
		nc.RaftAddr = c.RaftAddrs[i]
	}
	if c.DataDir != "" {
		nc.DataDir = filepath.Join(c.DataDir, nodeID(i))
	}
	return nc
}

func nodeID(i int) string { return fmt.Sprintf("n%d", i+1) }

// LocalCluster is a cluster of storage nodes in this process, talking over
// loopback TCP: for programs that embed treekv and for test harnesses. It
// can stop, restart and isolate nodes. Its methods are safe for concurrent use.
type LocalCluster struct {
	cfg        ClusterConfig
	controller *Cluster
	mu         sync.Mutex
	nodes      []*node.Node // nil while a node is stopped
	addrs      []node.Config
}

// StartCluster starts the nodes, installs the partition map, creates every
// replica and returns once every partition has a leader ready to serve, or
// when ctx ends. A cluster whose DataDir holds an earlier run's state
// resumes it.
func StartCluster(ctx context.Context, cfg ClusterConfig) (*LocalCluster, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	c := &LocalCluster{cfg: cfg}
	if err := c.startController(); err != nil {
		return nil, err
	}
	if err := c.startNodes(); err != nil {
		return nil, errors.Join(err, c.Close())
	}
	if err := c.placeOrAwaitMap(ctx); err != nil {
		return nil, errors.Join(err, c.Close())
	}
	if err := c.WaitReady(ctx); err != nil {

		return nil, errors.Join(err, c.Close())
	}
	return c, nil
}

func (c *LocalCluster) startNodes() error {
	for range c.cfg.Nodes {
		if _, err := c.startNode(); err != nil {
			return err
		}
	}
	return nil
}

// startNode starts the next node and returns its index.
func (c *LocalCluster) startNode() (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	i := len(c.nodes)
	n, err := node.New(c.cfg.nodeConfig(i))
	if err != nil {
		return i, fmt.Errorf("start node %s: %w", nodeID(i), err)
	}
	c.nodes = append(c.nodes, n)
	c.addrs = append(c.addrs, node.Config{HTTPAddr: n.HTTPAddr(), RaftAddr: n.RaftAddr()})
	return i, nil
}

// Close stops every node. It is safe to call more than once.
func (c *LocalCluster) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for i, n := range c.nodes {
		if n != nil {
			errs = append(errs, n.Close())
			c.nodes[i] = nil
		}
	}
	if c.controller != nil {
		errs = append(errs, c.controller.Close())
		c.controller = nil
	}
	return errors.Join(errs...)
}
