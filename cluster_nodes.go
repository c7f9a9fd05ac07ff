package kv

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/treekv/kv/node"
)

// placeReplicas installs the partition map and creates every replica; the
// preferred leader of each partition bootstraps its group, so leaders start
// spread evenly. Nodes that resumed a saved map keep it.
func (c *LocalCluster) placeReplicas() error {
	if m := c.nodes[0].Map(); m != nil {
		return c.checkResumedMap(m)
	}
	m, err := PlanPartitions(PlanConfig{
		Partitioner: c.cfg.Partitioner, Partitions: c.cfg.Partitions, SplitKeys: c.cfg.SplitKeys,
		Replicas: c.cfg.Replicas, Nodes: c.nodeInfos(),
	})
	if err != nil {
		return err
	}
	for _, n := range c.nodes {
		if err := n.SetMap(m); err != nil {
			return err
		}
	}
	for _, p := range m.Partitions {
		for i, id := range p.Replicas {
			if err := c.nodeByID(id).CreateReplica(p.ID, i == 0); err != nil {
				return fmt.Errorf("create replica of partition %d on %s: %w", p.ID, id, err)
			}
		}
	}
	return nil
}

func (c *LocalCluster) checkResumedMap(m *PartitionMap) error {
	for _, n := range c.nodes {
		info, ok := m.Node(n.ID())
		if !ok || info != n.Info() {
			return fmt.Errorf("data directory holds a cluster where node %s was at %+v, now at %+v: restart with the same addresses", n.ID(), info, n.Info())
		}
	}
	return nil
}

func (c *LocalCluster) nodeInfos() []NodeInfo {
	infos := make([]NodeInfo, len(c.nodes))
	for i, n := range c.nodes {
		infos[i] = n.Info()
	}
	return infos
}

func (c *LocalCluster) nodeByID(id string) *node.Node {
	for _, n := range c.nodes {
		if n != nil && n.ID() == id {
			return n
		}
	}
	return nil
}

// readyPoll is how often WaitReady looks at the partitions again.
const readyPoll = 10 * time.Millisecond

// WaitReady returns once every partition has a leader that serves
// linearizable reads, or with ctx's error.
func (c *LocalCluster) WaitReady(ctx context.Context) error {
	m := c.Map()
	if m == nil {
		return errors.New("cluster has no partition map")
	}
	for _, p := range m.Partitions {
		if _, err := c.WaitLeader(ctx, p.ID); err != nil {
			return fmt.Errorf("partition %d has no ready leader: %w", p.ID, err)
		}
	}
	return nil
}

// WaitLeader returns the index of the node whose replica leads partition
// pid and serves linearizable reads, waiting out an election in progress,
// or ctx's error. Leader, by contrast, answers at once, and finds no
// leader while one is being elected.
func (c *LocalCluster) WaitLeader(ctx context.Context, pid uint64) (int, error) {
	ticker := time.NewTicker(readyPoll)
	defer ticker.Stop()
	for {
		if i, ok := c.readyLeader(ctx, pid); ok {
			return i, nil
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-ticker.C:
		}
	}
}

// readyLeader returns the node whose replica leads partition pid, if it
// serves linearizable reads.
func (c *LocalCluster) readyLeader(ctx context.Context, pid uint64) (int, bool) {
	i, ok := c.Leader(pid)
	if !ok {
		return 0, false
	}
	n := c.Node(i)
	if n == nil {
		return 0, false
	}
	rep, ok := n.Replica(pid)
	if !ok {
		return 0, false
	}
	ctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	return i, rep.ReadBarrier(ctx) == nil
}
