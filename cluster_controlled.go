package kv

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/treekv/kv/node"
)

// startController starts the in-process controller, when configured, and
// points the nodes at it.
func (c *LocalCluster) startController() error {
	if c.cfg.JoinController != "" {
		c.cfg.controllerURL = c.cfg.JoinController
	}
	if c.cfg.Controller == nil {
		return nil
	}
	cc := c.controllerConfig()
	ctl, err := NewCluster(cc)
	if err != nil {
		return fmt.Errorf("start controller: %w", err)
	}
	c.controller = ctl
	c.cfg.controllerURL = ctl.URL()
	return nil
}

func (c *LocalCluster) controllerConfig() ControllerConfig {
	cc := *c.cfg.Controller
	if cc.ID == "" {
		cc.ID = "c1"
	}
	if cc.Partitioner == "" && cc.Partitions == 0 && len(cc.SplitKeys) == 0 {
		cc.Partitioner, cc.Partitions, cc.SplitKeys = c.cfg.Partitioner, c.cfg.Partitions, c.cfg.SplitKeys
	}
	if cc.Replicas == 0 {
		cc.Replicas = c.cfg.Replicas
	}
	if cc.Raft == (RaftConfig{}) {
		cc.Raft = c.cfg.Raft
	}
	if cc.DataDir == "" && c.cfg.DataDir != "" {
		cc.DataDir = filepath.Join(c.cfg.DataDir, cc.ID)
	}
	if cc.Logger == nil {
		cc.Logger = c.cfg.Logger
	}
	cc.Local = localNodes{c}
	return cc
}

// Controller returns the in-process controller, or nil without one.
func (c *LocalCluster) Controller() *Cluster { return c.controller }

// placeOrAwaitMap installs the map itself or, under a controller, waits
// until the controller has given every node one.
func (c *LocalCluster) placeOrAwaitMap(ctx context.Context) error {
	if c.cfg.controllerURL == "" {
		return c.placeReplicas()
	}
	ticker := time.NewTicker(readyPoll)
	defer ticker.Stop()
	for !c.everyNodeHasMap() {
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for the controller's partition map: %w", ctx.Err())
		case <-ticker.C:
		}
	}
	return nil
}

func (c *LocalCluster) everyNodeHasMap() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, n := range c.nodes {
		if n != nil && n.Map() == nil {
			return false
		}
	}
	return true
}

// localNodes lets the controller's dashboard stop, restart and isolate the
// cluster's nodes by ID.
type localNodes struct{ c *LocalCluster }

func (l localNodes) index(id string) (int, error) {
	for i := range l.c.Size() {
		if nodeID(i) == id {
			return i, nil
		}
	}
	return -1, node.Errorf(node.ErrNotFound, "no local node %q", id)
}

// StopNode stops node id.
func (l localNodes) StopNode(id string) error {
	i, err := l.index(id)
	if err != nil {
		return err
	}
	return l.c.StopNode(i)
}

// RestartNode restarts node id.
func (l localNodes) RestartNode(id string) error {
	i, err := l.index(id)
	if err != nil {
		return err
	}
	return l.c.RestartNode(i)
}

// SetIsolated isolates or heals node id.
func (l localNodes) SetIsolated(id string, isolated bool) error {
	i, err := l.index(id)
	if err != nil {
		return err
	}
	l.c.setIsolated(i, isolated)
	return nil
}

// AddNode starts one more node and returns its index. Under a controller
// the node joins the cluster and replicas and leaderships flow onto it;
// without one it only serves what it forwards.
func (c *LocalCluster) AddNode() (int, error) {
	return c.startNode()
}
