package controller

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/treekv/kv/node/part"
)

// scheduleMoves starts moves, within MaxMoves: first replicas that must
// leave their node (down past ReplaceAfter, draining), then one move that
// evens out the replica counts. It returns how many it started.
func (s *scheduler) scheduleMoves(ctx context.Context, st *State) int {
	started := 0
	for _, p := range st.Map.Partitions {
		if len(st.Moves)+started >= s.c.cfg.MaxMoves {
			return started
		}
		if _, busy := st.move(p.ID); busy {
			continue
		}
		if from, reason := s.mustLeave(st, p); from != "" && s.startMove(ctx, st, p, from, reason) {
			started++
		}
	}
	if started == 0 && len(st.Moves) == 0 && s.balanceReplicas(ctx, st) {
		started++
	}
	return started
}

// mustLeave returns a replica of p whose node is draining or down past
// ReplaceAfter, with the reason.
func (s *scheduler) mustLeave(st *State, p part.Partition) (string, string) {
	for _, id := range p.Replicas {
		if s.draining(st, id) {
			return id, "drain"
		}
		if s.c.health.downFor(id, time.Now()) > s.c.cfg.ReplaceAfter {
			return id, "replace a down node"
		}
	}
	return "", ""
}

// startMove records a move of p's replica on from to the eligible node with
// the fewest replicas.
func (s *scheduler) startMove(ctx context.Context, st *State, p part.Partition, from, reason string) bool {
	targets := s.eligible(st, p)
	if len(targets) == 0 {
		return false
	}
	counts := replicaCounts(st)
	to := slices.MinFunc(targets, func(a, b NodeRecord) int { return cmp.Compare(counts[a.ID], counts[b.ID]) })
	_, err := s.addMove(ctx, Move{Partition: p.ID, From: from, To: to.ID, Reason: reason})
	return err == nil
}

// addMove records m, stamped with its start, unless p is already moving.
func (s *scheduler) addMove(ctx context.Context, m Move) (Move, error) {
	m.Started = time.Now().UTC()
	_, err := s.c.store.update(ctx, func(st *State) error {
		if _, busy := st.move(m.Partition); busy {
			return fmt.Errorf("partition %d is already moving", m.Partition)
		}
		st.Moves = append(st.Moves, m)
		return nil
	})
	if err == nil {
		s.c.events.publish(EventMoveStarted, m.To, m.Partition,
			fmt.Sprintf("moving partition %d from %s to %s (%s)", m.Partition, m.From, m.To, m.Reason))
	}
	return m, err
}

// replicaCounts counts the replicas the map and the moves place on each node.
func replicaCounts(st *State) map[string]int {
	counts := map[string]int{}
	for _, p := range st.Map.Partitions {
		for _, id := range p.Replicas {
			counts[id]++
		}
	}
	for _, m := range st.Moves {
		counts[m.To]++
		counts[m.From]--
	}
	return counts
}

// balanceReplicas moves one replica from the fullest eligible node to the
// emptiest when their counts differ by more than one.
func (s *scheduler) balanceReplicas(ctx context.Context, st *State) bool {
	counts := replicaCounts(st)
	var nodes []string
	for _, n := range st.Nodes {
		if !n.Draining && s.c.health.isUp(n.ID) {
			nodes = append(nodes, n.ID)
		}
	}
	if len(nodes) < 2 {
		return false
	}
	byCount := func(a, b string) int { return cmp.Compare(counts[a], counts[b]) }
	most, least := slices.MaxFunc(nodes, byCount), slices.MinFunc(nodes, byCount)
	if counts[most]-counts[least] <= 1 {
		return false
	}
	for _, p := range st.Map.Partitions {
		if slices.Contains(p.Replicas, most) && !slices.Contains(p.Replicas, least) {
			_, err := s.addMove(ctx, Move{Partition: p.ID, From: most, To: least, Reason: "balance replicas"})
			return err == nil
		}
	}
	return false
}

// rebalance schedules moves and leader transfers now; it returns how many
// moves it started.
func (s *scheduler) rebalance(ctx context.Context) int {
	st, _, err := s.c.store.load(ctx)
	if err != nil || st.Map == nil {
		return 0
	}
	started := s.scheduleMoves(ctx, st)
	s.balanceLeaders(ctx, st)
	return started
}
