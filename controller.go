package kv

import (
	"context"

	"github.com/treekv/kv/node"
	"github.com/treekv/kv/node/controller"
)

// Types of the controller's configuration and API.
type (
	// ControllerConfig configures a controller instance.
	ControllerConfig = controller.Config
	// ClusterView is the whole cluster as the controller sees it.
	ClusterView = controller.ClusterView
	// ClusterEvent is one thing that happened in the cluster.
	ClusterEvent = controller.Event
)

// Cluster is a controller instance: the cluster's placement driver. One or
// three instances form a Raft group; the leader keeps membership and the
// partition map, follows node health, and moves replicas and leaderships to
// keep every partition on distinct healthy nodes, evenly spread. It serves
// the controller API and the dashboard. Safe for concurrent use.
type Cluster struct {
	c *controller.Controller
}

// NewCluster starts a controller instance. With cfg.Join empty it starts a
// new controller group; otherwise it joins the group of the controller at
// that URL.
func NewCluster(cfg ControllerConfig) (*Cluster, error) {
	c, err := controller.New(cfg)
	if err != nil {
		return nil, err
	}
	return &Cluster{c: c}, nil
}

// URL returns the base URL of the instance's API and dashboard.
func (c *Cluster) URL() string { return "http://" + c.c.HTTPAddr() }

// HTTPAddr returns the address the API listens on.
func (c *Cluster) HTTPAddr() string { return c.c.HTTPAddr() }

// RaftAddr returns the address of the instance's Raft listener.
func (c *Cluster) RaftAddr() string { return c.c.RaftAddr() }

// IsLeader reports whether this instance leads the controller group.
func (c *Cluster) IsLeader() bool { return c.c.IsLeader() }

// View returns the cluster as the controller leader sees it. It must be
// called on the leader (see IsLeader): elsewhere it fails with ErrNotLeader,
// while the HTTP API of any instance forwards to the leader.
func (c *Cluster) View(ctx context.Context) (ClusterView, error) { return c.c.View(ctx) }

// Join adds the storage node id at the given addresses, or records the new
// addresses of a member; nodes started with a controller join by themselves.
func (c *Cluster) Join(ctx context.Context, id, httpAddr, raftAddr string) error {
	_, err := c.c.Join(ctx, node.JoinRequest{ID: id, HTTPAddr: httpAddr, RaftAddr: raftAddr})
	return err
}

// Drain moves every replica and leadership off node id.
func (c *Cluster) Drain(ctx context.Context, id string) error { return c.c.Drain(ctx, id) }

// RemoveNode removes a node that hosts no replica.
func (c *Cluster) RemoveNode(ctx context.Context, id string) error { return c.c.RemoveNode(ctx, id) }

// Move starts moving partition pid's replica from node from to node to.
func (c *Cluster) Move(ctx context.Context, pid uint64, from, to string) error {
	_, err := c.c.Move(ctx, pid, from, to)
	return err
}

// TransferLeader hands partition pid's leadership to its replica on node to.
func (c *Cluster) TransferLeader(ctx context.Context, pid uint64, to string) error {
	return c.c.TransferLeader(ctx, pid, to)
}

// Close stops the instance and waits for all it started.
func (c *Cluster) Close() error { return c.c.Close() }
