package controller

import (
	"context"

	"github.com/treekv/kv/node"
)

// fixAddresses updates the Raft groups where a member's address is not the
// one its node last joined with, as after a node restarts on new ports:
// the partition's leader re-adds the member at its new address.
func (s *scheduler) fixAddresses(ctx context.Context, st *State) {
	for _, p := range st.Map.Partitions {
		leaderID, leader := s.leaderOf(p.ID)
		if leaderID == "" {
			continue
		}
		for _, m := range leader.Members {
			rec, ok := st.node(m.ID)
			if !ok || rec.RaftAddr == m.RaftAddr {
				continue
			}
			action := node.MemberAddLearner
			if m.Voter {
				action = node.MemberPromote
			}
			change := node.MemberChange{Action: action, NodeID: m.ID, RaftAddr: rec.RaftAddr}
			if err := s.c.nodes.changeMember(ctx, s.addr(st, leaderID), p.ID, change); err != nil {
				s.c.logger.Debug("update member address", "partition", p.ID, "node", m.ID, "err", err)
			}
		}
	}
}
