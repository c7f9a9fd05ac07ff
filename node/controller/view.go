package controller

import (
	"context"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"

	"github.com/treekv/kv/node"
	"github.com/treekv/kv/node/part"
)

// View returns the cluster as this instance sees it: the committed state,
// the nodes' health and the replicas' latest reports. On a new leader it
// first waits until the leadership is taken over, so that the version is
// above every one an earlier leader served.
func (c *Controller) View(ctx context.Context) (ClusterView, error) {
	if err := c.sched.awaitTakeOver(ctx); err != nil {
		return ClusterView{}, err
	}
	st, _, err := c.store.load(ctx)
	if err != nil {
		return ClusterView{}, err
	}
	version, _ := c.viewVersion()
	leader, _ := c.rep.Leader()
	v := ClusterView{Version: version, Leader: leader, Map: st.Map, Moves: st.Moves, Local: c.cfg.Local != nil}
	for _, rec := range st.Controllers {
		v.Controllers = append(v.Controllers, ControllerView{ID: rec.ID, HTTPAddr: rec.HTTPAddr, RaftAddr: rec.RaftAddr, State: controllerState(rec.ID, leader)})
	}
	for _, n := range st.Nodes {
		v.Nodes = append(v.Nodes, c.nodeView(n))
	}
	if st.Map != nil {
		for _, p := range st.Map.Partitions {
			v.Partitions = append(v.Partitions, c.partitionView(st, p))
		}
	}
	return v, nil
}

func controllerState(id, leader string) string {
	if id == leader {
		return "Leader"
	}
	return "Follower"
}

func (c *Controller) nodeView(n NodeRecord) NodeView {
	h, seen, rep := c.health.of(n.ID)
	v := NodeView{ID: n.ID, HTTPAddr: n.HTTPAddr, RaftAddr: n.RaftAddr, Health: h, Draining: n.Draining,
		LastHeartbeat: seen, RequestsPerSec: rep.RequestsPerSec, Replicas: len(rep.Replicas)}
	for _, rs := range rep.Replicas {
		if rs.State == "Leader" && h == HealthUp {
			v.Leaders++
		}
		v.Keys += int64(rs.Keys)
		v.Bytes += rs.Bytes
	}
	return v
}

func (c *Controller) partitionView(st *State, p part.Partition) PartitionView {
	leaderID, leader := c.sched.leaderOf(p.ID)
	v := PartitionView{ID: p.ID, Range: rangeString(st.Map.Partitioner, p.Range), Epoch: p.Epoch, Leader: leaderID, Term: leader.Term}
	for _, id := range replicaNodes(st, p) {
		v.Replicas = append(v.Replicas, c.replicaView(id, p.ID, leaderID, leader.CommitIndex))
	}
	return v
}

// replicaNodes lists the nodes the map places p on, then a move's target.
func replicaNodes(st *State, p part.Partition) []string {
	ids := slices.Clone(p.Replicas)
	if m, ok := st.move(p.ID); ok && !slices.Contains(ids, m.To) {
		ids = append(ids, m.To)
	}
	return ids
}

func (c *Controller) replicaView(id string, pid uint64, leaderID string, leaderCommit uint64) ReplicaView {
	v := ReplicaView{Node: id}
	h, _, _ := c.health.of(id)
	rs, ok := c.health.replica(id, pid)
	if rs.State == "Leader" && id != leaderID {
		rs.State = "Follower" // a stale report: a newer leader reports from an up node
	}
	v.Role = replicaRole(h, rs, ok, leaderCommit, c.cfg.CatchUpLag)
	if !ok {
		return v
	}
	v.Term, v.CommitIndex, v.AppliedIndex = rs.Term, rs.CommitIndex, rs.AppliedIndex
	v.Keys, v.Bytes, v.RequestsPerSec = int64(rs.Keys), rs.Bytes, rs.RequestsPerSec
	if leaderCommit > rs.AppliedIndex {
		v.Lag = leaderCommit - rs.AppliedIndex
	}
	return v
}

func replicaRole(health string, rs node.ReplicaStatus, reported bool, leaderCommit, catchUpLag uint64) string {
	switch {
	case health == HealthDown:
		return RoleDown
	case !reported:
		return RoleMissing
	case rs.Learner:
		return RoleLearner
	case rs.State == "Leader":
		return RoleLeader
	case rs.State == "Candidate":
		return RoleCandidate
	case rs.AppliedIndex+catchUpLag < leaderCommit:
		return RoleCatchingUp
	}
	return RoleFollower
}

// rangeString shows a partition's range: hash positions in hex, keys quoted.
func rangeString(kind string, r part.Range) string {
	bound := func(b []byte, open string) string {
		switch {
		case len(b) == 0:
			return open
		case kind == part.KindHash:
			return "0x" + hex.EncodeToString(b)
		}
		return strconv.Quote(string(b))
	}
	return fmt.Sprintf("[%s, %s)", bound(r.Start, "-inf"), bound(r.End, "+inf"))
}
