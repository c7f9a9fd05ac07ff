package controller

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/treekv/kv/node"
)

func (c *Controller) partitionRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /v1/partitions/{id}/move", c.serveMove)
	mux.HandleFunc("POST /v1/partitions/{id}/transfer-leader", c.serveTransferLeader)
}

func (c *Controller) serveMove(w http.ResponseWriter, r *http.Request) {
	pid, err := partitionID(r)
	var req MoveRequest
	if err == nil {
		err = decodeBody(w, r, &req)
	}
	var m Move
	if err == nil {
		m, err = c.Move(r.Context(), pid, req.From, req.To)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusAccepted, m)
}

// Move starts moving partition pid's replica from node from to node to and
// returns the move as recorded.
func (c *Controller) Move(ctx context.Context, pid uint64, from, to string) (Move, error) {
	st, _, err := c.store.load(ctx)
	if err != nil {
		return Move{}, err
	}
	if st.Map == nil {
		return Move{}, node.Errorf(node.ErrUnavailable, "the cluster has no partition map yet")
	}
	p, ok := st.Map.Partition(pid)
	switch {
	case !ok:
		return Move{}, node.Errorf(node.ErrNotFound, "partition %d does not exist", pid)
	case !slices.Contains(p.Replicas, from):
		return Move{}, node.Errorf(node.ErrBadRequest, "partition %d has no replica on %q", pid, from)
	case !slices.ContainsFunc(c.sched.eligible(st, p), func(n NodeRecord) bool { return n.ID == to }):
		return Move{}, node.Errorf(node.ErrBadRequest, "node %q cannot take a replica of partition %d: it must be an up, non-draining member without one", to, pid)
	}
	m, err := c.sched.addMove(ctx, Move{Partition: pid, From: from, To: to, Reason: "manual"})
	if err != nil {
		return Move{}, node.Errorf(node.ErrConflict, "%v", err)
	}
	return m, nil
}

func (c *Controller) serveTransferLeader(w http.ResponseWriter, r *http.Request) {
	pid, err := partitionID(r)
	var req TransferLeaderRequest
	if err == nil {
		err = decodeBody(w, r, &req)
	}
	if err == nil {
		err = c.TransferLeader(r.Context(), pid, req.To)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"partition": pid, "leader": req.To})
}

// TransferLeader hands partition pid's leadership to its replica on node to.
func (c *Controller) TransferLeader(ctx context.Context, pid uint64, to string) error {
	st, _, err := c.store.load(ctx)
	if err != nil {
		return err
	}
	if st.Map == nil {
		return node.Errorf(node.ErrUnavailable, "the cluster has no partition map yet")
	}
	p, ok := st.Map.Partition(pid)
	switch {
	case !ok:
		return node.Errorf(node.ErrNotFound, "partition %d does not exist", pid)
	case !slices.Contains(p.Replicas, to) || !c.health.isUp(to):
		return node.Errorf(node.ErrBadRequest, "node %q is not an up replica of partition %d", to, pid)
	}
	leaderID, leader := c.sched.leaderOf(pid)
	if leaderID == "" {
		return node.Errorf(node.ErrUnavailable, "partition %d has no known leader", pid)
	}
	if leaderID == to {
		return nil
	}
	if _, voter := memberOf(leader, to); !voter {
		return node.Errorf(node.ErrConflict, "the replica of partition %d on %q is not a voter yet", pid, to)
	}
	if err := c.nodes.transferLeader(ctx, c.sched.addr(st, leaderID), pid, to, c.sched.record(st, to).RaftAddr); err != nil {
		return err
	}
	c.sched.lastTransfer.Store(time.Now().UnixNano())
	c.events.publish(EventLeaderTransfer, to, pid, "partition leadership transfer requested")
	return nil
}
