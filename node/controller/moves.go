package controller

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/treekv/kv/node"
)

// moveTimeout is how long a move may take before it is abandoned.
const moveTimeout = 2 * time.Minute

var errMoveWaiting = errors.New("move waiting")

// advanceMoves takes every move in flight one step further. Each step is
// idempotent, so a new controller leader simply carries on. A move whose
// target went down is given up at once: it could only wait for the node,
// and a partition with a move in flight is not repaired meanwhile.
func (s *scheduler) advanceMoves(ctx context.Context, st *State) {
	for _, m := range st.Moves {
		if s.c.health.isDown(m.To) {
			s.abandon(ctx, st, m, fmt.Errorf("node %s is down", m.To))
			continue
		}
		err := s.advance(ctx, st, m)
		switch {
		case err == nil, errors.Is(err, errMoveWaiting):
		case time.Since(m.Started) > moveTimeout:
			s.abandon(ctx, st, m, err)
		default:
			s.c.logger.Debug("move step", "partition", m.Partition, "err", err)
		}
	}
}

// advance runs the safe move protocol, one configuration change at a time:
// add the target as a learner, wait until it caught up, promote it, hand
// leadership away from the source if needed, remove the source, and record
// the new placement.
func (s *scheduler) advance(ctx context.Context, st *State, m Move) error {
	leaderID, leader := s.leaderOf(m.Partition)
	if leaderID == "" {
		return fmt.Errorf("partition %d has no leader: %w", m.Partition, errMoveWaiting)
	}
	leaderAddr, target := s.addr(st, leaderID), s.record(st, m.To)
	member, voter := memberOf(leader, m.To)
	switch {
	case !member:
		return s.addLearner(ctx, leaderAddr, target, m.Partition)
	case !voter:
		return s.promote(ctx, leaderAddr, target, m.Partition, leader.CommitIndex)
	case leaderID == m.From:
		return s.c.nodes.transferLeader(ctx, leaderAddr, m.Partition, m.To, target.RaftAddr)
	}
	if sourceMember, _ := memberOf(leader, m.From); sourceMember {
		return s.c.nodes.changeMember(ctx, leaderAddr, m.Partition, node.MemberChange{Action: node.MemberRemove, NodeID: m.From})
	}
	return s.finish(ctx, m)
}

func (s *scheduler) addLearner(ctx context.Context, leaderAddr string, target NodeRecord, pid uint64) error {
	if err := s.c.nodes.createReplica(ctx, target.HTTPAddr, pid, false); err != nil && !errors.Is(err, node.ErrConflict) {
		return err
	}
	return s.c.nodes.changeMember(ctx, leaderAddr, pid, node.MemberChange{Action: node.MemberAddLearner, NodeID: target.ID, RaftAddr: target.RaftAddr})
}

func (s *scheduler) promote(ctx context.Context, leaderAddr string, target NodeRecord, pid, commit uint64) error {
	rs, ok := s.c.health.replica(target.ID, pid)
	if !ok || rs.AppliedIndex+s.c.cfg.CatchUpLag < commit {
		return fmt.Errorf("learner %s of partition %d catching up: %w", target.ID, pid, errMoveWaiting)
	}
	return s.c.nodes.changeMember(ctx, leaderAddr, pid, node.MemberChange{Action: node.MemberPromote, NodeID: target.ID, RaftAddr: target.RaftAddr})
}

// finish records the move's result in the map and drops the move.
func (s *scheduler) finish(ctx context.Context, m Move) error {
	_, err := s.c.store.update(ctx, func(st *State) error {
		p := st.partitionRef(m.Partition)
		if p == nil {
			return node.Errorf(node.ErrNotFound, "partition %d is gone", m.Partition)
		}
		if i := slices.Index(p.Replicas, m.From); i >= 0 {
			p.Replicas[i] = m.To
		}
		p.Epoch++
		st.Map.Version++
		st.removeMove(m.Partition)
		return nil
	})
	if err == nil {
		s.c.events.publish(EventMoveFinished, m.To, m.Partition, fmt.Sprintf("partition %d moved from %s to %s", m.Partition, m.From, m.To))
	}
	return err
}

// abandon gives up a move that could not finish. While the source is still
// in the group, the target leaves it, learner or voter, so the group is
// again the one the map records, and the move is dropped. Once the source
// has left and the target is in, the target has taken its place and the
// move finishes instead. Without a leader to change the group, the move
// waits for the next tick.
func (s *scheduler) abandon(ctx context.Context, st *State, m Move, cause error) {
	leaderID, leader := s.leaderOf(m.Partition)
	if leaderID == "" {
		s.c.logger.Debug("move to abandon waits for a leader", "partition", m.Partition, "cause", cause)
		return
	}
	sourceMember, _ := memberOf(leader, m.From)
	targetMember, _ := memberOf(leader, m.To)
	if !sourceMember && targetMember {
		if err := s.finish(ctx, m); err != nil {
			s.c.logger.Debug("finish move", "partition", m.Partition, "err", err)
		}
		return
	}
	if sourceMember && targetMember {
		change := node.MemberChange{Action: node.MemberRemove, NodeID: m.To}
		if err := s.c.nodes.changeMember(ctx, s.addr(st, leaderID), m.Partition, change); err != nil {
			s.c.logger.Debug("take a move's target out of its group", "partition", m.Partition, "node", m.To, "err", err)
			return
		}
	}
	if _, err := s.c.store.update(ctx, func(st *State) error {
		st.removeMove(m.Partition)
		return nil
	}); err != nil {
		return
	}
	s.c.events.publish(EventMoveFailed, m.To, m.Partition, fmt.Sprintf("move of partition %d from %s to %s abandoned: %v", m.Partition, m.From, m.To, cause))
}

// memberOf reports whether node id is in the leader's configuration, and
// whether as a voter.
func memberOf(leader node.ReplicaStatus, id string) (member, voter bool) {
	for _, mb := range leader.Members {
		if mb.ID == id {
			return true, mb.Voter
		}
	}
	return false, false
}

func (s *scheduler) addr(st *State, id string) string {
	return s.record(st, id).HTTPAddr
}

func (s *scheduler) record(st *State, id string) NodeRecord {
	if n, ok := st.node(id); ok {
		return *n
	}
	return NodeRecord{ID: id}
}
