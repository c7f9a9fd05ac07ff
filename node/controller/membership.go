package controller

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/treekv/kv/node"
)

// Join adds a storage node to the cluster, or records the new addresses of
// a node that rejoins under its ID.
func (c *Controller) Join(ctx context.Context, req node.JoinRequest) (NodeRecord, error) {
	if req.ID == "" || req.HTTPAddr == "" || req.RaftAddr == "" {
		return NodeRecord{}, node.Errorf(node.ErrBadRequest, "a node needs id, http_addr and raft_addr")
	}
	if err := checkNodeID(req.ID); err != nil {
		return NodeRecord{}, err
	}
	var rec NodeRecord
	var kind, msg string
	_, err := c.store.update(ctx, func(st *State) error {
		kind, msg = "", ""
		if slices.Contains(st.Removed, req.ID) {
			return node.Errorf(node.ErrConflict, "node %s was removed from the cluster and may not join again: give it a new ID and an empty data directory", req.ID)
		}
		if n, ok := st.node(req.ID); ok {
			if n.HTTPAddr != req.HTTPAddr || n.RaftAddr != req.RaftAddr {
				kind, msg = EventNodeJoined, fmt.Sprintf("node %s rejoined at %s (was %s)", req.ID, req.HTTPAddr, n.HTTPAddr)
			}
			n.HTTPAddr, n.RaftAddr = req.HTTPAddr, req.RaftAddr
			rec = *n
			return nil
		}
		rec = NodeRecord{ID: req.ID, HTTPAddr: req.HTTPAddr, RaftAddr: req.RaftAddr, Joined: time.Now().UTC()}
		st.Nodes = append(st.Nodes, rec)
		kind, msg = EventNodeJoined, fmt.Sprintf("node %s joined at %s", req.ID, req.HTTPAddr)
		return nil
	})
	if err == nil && kind != "" {
		c.events.publish(kind, req.ID, 0, msg)
	}
	return rec, err
}

// Heartbeat records a node's report and answers with the partition map when
// the node's copy is older.
func (c *Controller) Heartbeat(ctx context.Context, rep node.NodeReport, now time.Time) (node.HeartbeatResponse, error) {
	st, _, err := c.store.local()
	if err != nil {
		return node.HeartbeatResponse{}, err
	}
	if _, ok := st.node(rep.ID); !ok {
		return node.HeartbeatResponse{}, node.Errorf(node.ErrNotFound, "node %s is not a member of the cluster: join first", rep.ID)
	}
	c.health.observe(rep, now)
	resp := node.HeartbeatResponse{}
	if st.Map != nil {
		resp.MapVersion = st.Map.Version
		if rep.MapVersion < st.Map.Version {
			resp.Map = st.Map
		}
	}
	return resp, nil
}

// Drain marks a node draining: its replicas and leaderships move away, and
// no new ones are placed on it. Remove it once it hosts nothing.
func (c *Controller) Drain(ctx context.Context, id string) error {
	_, err := c.store.update(ctx, func(st *State) error {
		n, ok := st.node(id)
		if !ok {
			return node.Errorf(node.ErrNotFound, "node %s is not a member of the cluster", id)
		}
		n.Draining = true
		return nil
	})
	if err == nil {
		c.events.publish(EventNodeDraining, id, 0, fmt.Sprintf("node %s is draining", id))
	}
	return err
}

// RemoveNode removes a node that hosts no replica (drain it first).
func (c *Controller) RemoveNode(ctx context.Context, id string) error {
	_, err := c.store.update(ctx, func(st *State) error {
		if _, ok := st.node(id); !ok {
			return node.Errorf(node.ErrNotFound, "node %s is not a member of the cluster", id)
		}
		if hosted := st.hostedBy(id); len(hosted) > 0 {
			return node.Errorf(node.ErrConflict, "node %s still hosts partitions %v: drain it first", id, hosted)
		}
		st.Nodes = slices.DeleteFunc(st.Nodes, func(n NodeRecord) bool { return n.ID == id })
		st.Removed = append(st.Removed, id)
		return nil
	})
	if err == nil {
		c.events.publish(EventNodeRemoved, id, 0, fmt.Sprintf("node %s was removed", id))
	}
	return err
}
