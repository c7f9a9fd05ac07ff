package controller

import (
	"context"
	"errors"
	"slices"

	"github.com/treekv/kv/node"
	"github.com/treekv/kv/node/part"
)

// ensureReplicas makes every up node host what the map places on it, and
// nothing else: it gives nodes the current map, creates missing replicas
// (bootstrapping a partition no node hosts yet) and removes strays.
func (s *scheduler) ensureReplicas(ctx context.Context, st *State) {
	for _, n := range st.Nodes {
		rep, ok := s.c.health.report(n.ID)
		if !ok || !s.c.health.isUp(n.ID) {
			continue
		}
		if rep.MapVersion < st.Map.Version {
			if err := s.c.nodes.putMap(ctx, n.HTTPAddr, st.Map); err != nil {
				continue
			}
		}
		s.createMissing(ctx, st, n, rep)
		s.removeStrays(ctx, st, n, rep)
	}
}

func (s *scheduler) createMissing(ctx context.Context, st *State, n NodeRecord, rep node.NodeReport) {
	for _, p := range st.Map.Partitions {
		if !slices.Contains(p.Replicas, n.ID) || reports(rep, p.ID) {
			continue
		}
		bootstrap := p.Replicas[0] == n.ID && !s.groupStarted(p.ID)
		err := s.c.nodes.createReplica(ctx, n.HTTPAddr, p.ID, bootstrap)
		if err != nil && !errors.Is(err, node.ErrConflict) {
			s.c.logger.Debug("create replica", "node", n.ID, "partition", p.ID, "err", err)
		}
	}
}

// removeStrays deletes replicas the map does not place on the node and no
// move is bringing there.
func (s *scheduler) removeStrays(ctx context.Context, st *State, n NodeRecord, rep node.NodeReport) {
	for _, rs := range rep.Replicas {
		if placed(st, rs.Partition, n.ID) {
			continue
		}
		if err := s.c.nodes.removeReplica(ctx, n.HTTPAddr, rs.Partition); err != nil && !errors.Is(err, node.ErrNotFound) {
			s.c.logger.Debug("remove stray replica", "node", n.ID, "partition", rs.Partition, "err", err)
		}
	}
}

// placed reports whether the map or a move in flight puts partition pid on node id.
func placed(st *State, pid uint64, id string) bool {
	if m, ok := st.move(pid); ok && m.To == id {
		return true
	}
	p, ok := st.Map.Partition(pid)
	return ok && slices.Contains(p.Replicas, id)
}

func reports(rep node.NodeReport, pid uint64) bool {
	return slices.ContainsFunc(rep.Replicas, func(rs node.ReplicaStatus) bool { return rs.Partition == pid })
}

// groupStarted reports whether partition pid's Raft group has started: some
// node reports a replica of it that has seen a term. Replicas created
// without bootstrap wait at term 0 until the group's first member starts it.
func (s *scheduler) groupStarted(pid uint64) bool {
	for _, rep := range s.c.health.allReports() {
		for _, rs := range rep.Replicas {
			if rs.Partition == pid && (rs.Term > 0 || rs.LeaderID != "") {
				return true
			}
		}
	}
	return false
}

// eligible lists the nodes that may receive a replica of p: members that
// are up, not draining, and not already hosting it.
func (s *scheduler) eligible(st *State, p part.Partition) []NodeRecord {
	var out []NodeRecord
	for _, n := range st.Nodes {
		if n.Draining || !s.c.health.isUp(n.ID) || slices.Contains(p.Replicas, n.ID) {
			continue
		}
		out = append(out, n)
	}
	return out
}
