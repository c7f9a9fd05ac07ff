package kv

import (
	"fmt"

	"github.com/treekv/kv/node"
)

// Map returns the partition map, as the first running node holds it.
func (c *LocalCluster) Map() *PartitionMap {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, n := range c.nodes {
		if n != nil {
			return n.Map()
		}
	}
	return nil
}

// Endpoints returns the base URL ("http://host:port") of every node, in
// node order, running or not.
func (c *LocalCluster) Endpoints() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	urls := make([]string, len(c.addrs))
	for i, a := range c.addrs {
		urls[i] = "http://" + a.HTTPAddr
	}
	return urls
}

// NewClient returns a client over every node's endpoint.
func (c *LocalCluster) NewClient() (*Client, error) {
	return NewClient(ClientConfig{Endpoints: c.Endpoints()})
}

// Size returns the number of nodes, running or stopped.
func (c *LocalCluster) Size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.addrs)
}

// Node returns node i (from 0), or nil while it is stopped.
func (c *LocalCluster) Node(i int) *Node {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nodes[i]
}

// Leader returns the index of the node whose replica leads partition pid
// now, and false while none does (during an election, say): see WaitLeader.
func (c *LocalCluster) Leader(pid uint64) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, n := range c.nodes {
		if n == nil {
			continue
		}
		if rep, ok := n.Replica(pid); ok && rep.IsLeader() {
			return i, true
		}
	}
	return 0, false
}

// StopNode stops node i gracefully, as a process shutdown would.
func (c *LocalCluster) StopNode(i int) error {
	c.mu.Lock()
	n := c.nodes[i]
	c.nodes[i] = nil
	c.mu.Unlock()
	if n == nil {
		return node.Errorf(node.ErrConflict, "node %s is not running", nodeID(i))
	}
	return n.Close()
}

// RestartNode starts stopped node i again on its addresses and data
// directory; it recovers everything it had acknowledged. A cluster without
// DataDir cannot restart nodes: in-memory Raft state does not survive.
func (c *LocalCluster) RestartNode(i int) error {
	if c.cfg.DataDir == "" {
		return fmt.Errorf("node %s has no data directory: set ClusterConfig.DataDir to restart nodes", nodeID(i))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.nodes[i] != nil {
		return node.Errorf(node.ErrConflict, "node %s is running", nodeID(i))
	}
	cfg := c.cfg.nodeConfig(i)
	cfg.HTTPAddr, cfg.RaftAddr = c.addrs[i].HTTPAddr, c.addrs[i].RaftAddr
	n, err := node.New(cfg)
	if err != nil {
		return fmt.Errorf("restart node %s: %w", nodeID(i), err)
	}
	c.nodes[i] = n
	return nil
}

// Isolate cuts node i off from its peers, as a network partition would;
// clients can still reach it. Heal reconnects it.
func (c *LocalCluster) Isolate(i int) { c.setIsolated(i, true) }

// Heal reconnects node i after Isolate.
func (c *LocalCluster) Heal(i int) { c.setIsolated(i, false) }

func (c *LocalCluster) setIsolated(i int, isolated bool) {
	if n := c.Node(i); n != nil {
		n.SetIsolated(isolated)
	}
}
