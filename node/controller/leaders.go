package controller

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"
)

// transferCooldown is the pause after a leadership transfer before the
// next: the nodes' reports must show the new leader first, or balancing
// would act on stale counts and swing back and forth.
const transferCooldown = 3 * time.Second

// balanceLeaders moves leadership off draining nodes, then evens out the
// leader counts of the up nodes, one transfer per cooldown.
func (s *scheduler) balanceLeaders(ctx context.Context, st *State) {
	if time.Since(time.Unix(0, s.lastTransfer.Load())) < transferCooldown {
		return
	}
	counts, led := s.leaderCounts(st)
	for _, p := range st.Map.Partitions {
		if leader := led[p.ID]; leader != "" && s.draining(st, leader) {
			s.transferFrom(ctx, st, p.ID, leader, counts)
			return
		}
	}
	candidates := s.leaderCandidates(st)
	if len(candidates) < 2 {
		return
	}
	byCount := func(a, b string) int { return cmp.Compare(counts[a], counts[b]) }
	most := slices.MaxFunc(candidates, byCount)
	if counts[most]-slices.Min(mapValues(counts, candidates)) <= 1 {
		return
	}
	for _, p := range st.Map.Partitions {
		if _, busy := st.move(p.ID); led[p.ID] == most && !busy {
			if s.transferFrom(ctx, st, p.ID, most, counts) {
				return
			}
		}
	}
}

// leaderCounts counts the partitions each node leads, from the reports.
func (s *scheduler) leaderCounts(st *State) (map[string]int, map[uint64]string) {
	counts, led := map[string]int{}, map[uint64]string{}
	for _, p := range st.Map.Partitions {
		if id, _ := s.leaderOf(p.ID); id != "" {
			counts[id]++
			led[p.ID] = id
		}
	}
	return counts, led
}

// leaderCandidates are the up, non-draining nodes.
func (s *scheduler) leaderCandidates(st *State) []string {
	var out []string
	for _, n := range st.Nodes {
		if !n.Draining && s.c.health.isUp(n.ID) {
			out = append(out, n.ID)
		}
	}
	return out
}

// transferFrom hands partition pid's leadership from node from to its
// replica on the candidate with the fewest leaderships that is a voter.
func (s *scheduler) transferFrom(ctx context.Context, st *State, pid uint64, from string, counts map[string]int) bool {
	p, ok := st.Map.Partition(pid)
	if !ok {
		return false
	}
	_, leader := s.leaderOf(pid)
	var to string
	for _, id := range s.leaderCandidates(st) {
		if _, voter := memberOf(leader, id); id != from && voter && slices.Contains(p.Replicas, id) &&
			(to == "" || counts[id] < counts[to]) {
			to = id
		}
	}
	if to == "" || counts[from]-counts[to] <= 1 && !s.draining(st, from) {
		return false
	}
	target := s.record(st, to)
	if err := s.c.nodes.transferLeader(ctx, s.addr(st, from), pid, to, target.RaftAddr); err != nil {
		s.c.logger.Debug("transfer leadership", "partition", pid, "to", to, "err", err)
		return false
	}
	s.lastTransfer.Store(time.Now().UnixNano())
	s.c.events.publish(EventLeaderTransfer, to, pid, fmt.Sprintf("partition %d: leadership %s -> %s", pid, from, to))
	return true
}

func mapValues(counts map[string]int, keys []string) []int {
	out := make([]int, len(keys))
	for i, k := range keys {
		out[i] = counts[k]
	}
	return out
}
