package node

import (
	"context"
	"errors"

	"github.com/hashicorp/raft"
)

// Member is one server of a replica's Raft group, as the group's latest
// configuration lists it.
type Member struct {
	ID       string `json:"id"`
	RaftAddr string `json:"raft_addr"`
	Voter    bool   `json:"voter"`
}

// AddLearner adds the replica on node nodeID, reached at raftAddr, to the
// group as a non-voter: it receives the log but neither votes nor counts
// toward a quorum. A server that is already a voter stays one and nothing
// changes. It runs on the leader only; elsewhere it fails with a
// *NotLeaderError. Raft applies one membership change at a time, so
// concurrent changes queue behind each other.
func (r *Replica) AddLearner(ctx context.Context, nodeID, raftAddr string) error {
	if err := r.checkChange(nodeID); err != nil {
		return err
	}
	if raftAddr == "" {
		return Errorf(ErrBadRequest, "adding %s to partition %d: raft address is empty", nodeID, r.partition)
	}
	if s, ok := r.member(nodeID); ok && s.Suffrage == raft.Voter {
		return nil
	}
	f := r.raft.AddNonvoter(raft.ServerID(nodeID), raft.ServerAddress(raftAddr), 0, enqueueTimeout)
	return r.waitChange(ctx, f, "add learner "+nodeID)
}

// Promote makes the replica on node nodeID a voter, adding it if it is not a
// member. An empty raftAddr keeps the address the configuration has for it.
// A voter already at that address is left as it is. Raft does not wait for
// a learner to catch up: promote it once its applied index nears the
// leader's. It runs on the leader only, like AddLearner.
func (r *Replica) Promote(ctx context.Context, nodeID, raftAddr string) error {
	if err := r.checkChange(nodeID); err != nil {
		return err
	}
	s, ok := r.member(nodeID)
	if raftAddr == "" {
		raftAddr = string(s.Address)
	}
	if raftAddr == "" {
		return Errorf(ErrBadRequest, "promoting %s in partition %d: raft address is empty and it is not a member", nodeID, r.partition)
	}
	if ok && s.Suffrage == raft.Voter && string(s.Address) == raftAddr {
		return nil
	}
	f := r.raft.AddVoter(raft.ServerID(nodeID), raft.ServerAddress(raftAddr), 0, enqueueTimeout)
	return r.waitChange(ctx, f, "promote "+nodeID)
}

// RemoveMember removes the replica on node nodeID from the group; removing a
// server that is not a member succeeds without a change. A leader that
// removes itself steps down once the change commits. It runs on the leader
// only, like AddLearner. It does not stop the removed replica: its node's
// RemoveReplica does.
func (r *Replica) RemoveMember(ctx context.Context, nodeID string) error {
	if err := r.checkChange(nodeID); err != nil {
		return err
	}
	if _, ok := r.member(nodeID); !ok {
		return nil
	}
	f := r.raft.RemoveServer(raft.ServerID(nodeID), 0, enqueueTimeout)
	return r.waitChange(ctx, f, "remove "+nodeID)
}

// Members returns the servers of the group's latest configuration (which
// may not have committed yet). It runs on the leader only: elsewhere it
// fails with a *NotLeaderError.
func (r *Replica) Members() ([]Member, error) {
	if !r.IsLeader() {
		return nil, r.notLeader()
	}
	return membersOf(r.configuration()), nil
}

// membersOf lists servers as members.
func membersOf(servers []raft.Server) []Member {
	out := make([]Member, 0, len(servers))
	for _, s := range servers {
		out = append(out, Member{ID: string(s.ID), RaftAddr: string(s.Address), Voter: s.Suffrage == raft.Voter})
	}
	return out
}

// configuration returns the servers of the latest configuration. Raft
// answers from memory, so it is cheap.
func (r *Replica) configuration() []raft.Server {
	f := r.raft.GetConfiguration()
	if f.Error() != nil {
		return nil
	}
	return f.Configuration().Servers
}

// member returns the server nodeID of the latest configuration, if any.
func (r *Replica) member(nodeID string) (raft.Server, bool) {
	for _, s := range r.configuration() {
		if string(s.ID) == nodeID {
			return s, true
		}
	}
	return raft.Server{}, false
}

// transferTarget checks that node id is a voter that may take over
// leadership and returns its address: addr, or the configuration's when
// addr is empty.
func (r *Replica) transferTarget(id, addr string) (string, error) {
	s, ok := r.member(id)
	if !ok || s.Suffrage != raft.Voter {
		return "", Errorf(ErrBadRequest, "partition %d: %s is not a voter of the group", r.partition, id)
	}
	if addr == "" {
		addr = string(s.Address)
	}
	return addr, nil
}

// checkChange refuses a membership change this replica cannot make.
func (r *Replica) checkChange(nodeID string) error {
	if nodeID == "" {
		return Errorf(ErrBadRequest, "membership change of partition %d: node ID is empty", r.partition)
	}
	if !r.IsLeader() {
		return r.notLeader()
	}
	return nil
}

// waitChange waits for a membership change or leadership transfer to
// finish, honouring ctx.
func (r *Replica) waitChange(ctx context.Context, f raft.Future, what string) error {
	done := make(chan error, 1)
	go func() { done <- f.Error() }()
	select {
	case err := <-done:
		return r.changeError(err, what)
	case <-ctx.Done():
		return Errorf(ErrIndeterminate, "partition %d: %s submitted but not confirmed: %w", r.partition, what, ctx.Err())
	}
}

// changeError sorts Raft's answer to a change as Propose sorts a write's:
// ErrNotLeader or ErrUnavailable when it certainly did not happen,
// ErrIndeterminate when it may have (leadership lost, shutdown).
func (r *Replica) changeError(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, raft.ErrNotLeader):
		return r.notLeader()
	case errors.Is(err, raft.ErrEnqueueTimeout), errors.Is(err, raft.ErrLeadershipTransferInProgress):
		return Errorf(ErrUnavailable, "partition %d: %s not accepted: %v", r.partition, what, err)
	default:
		return Errorf(ErrIndeterminate, "partition %d: %s outcome unknown: %v", r.partition, what, err)
	}
}
