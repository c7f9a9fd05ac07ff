package node

import (
	"context"

	"github.com/hashicorp/raft"
)

// ReplicaStatus describes one replica as its node sees it.
type ReplicaStatus struct {
	Partition    uint64 `json:"partition"`
	State        string `json:"state"` // Leader, Follower, Candidate or Shutdown
	LeaderID     string `json:"leader_id"`
	LeaderAddr   string `json:"leader_addr"`
	Term         uint64 `json:"term"`
	CommitIndex  uint64 `json:"commit_index"`
	AppliedIndex uint64 `json:"applied_index"`
	Keys         int    `json:"keys"`
	Voters       int    `json:"voters"`
}

// Status reports the replica's role, leader, term, indexes and size.
func (r *Replica) Status() ReplicaStatus {
	id, addr := r.Leader()
	return ReplicaStatus{
		Partition:    r.partition,
		State:        r.raft.State().String(),
		LeaderID:     id,
		LeaderAddr:   addr,
		Term:         r.term(),
		CommitIndex:  r.raft.CommitIndex(),
		AppliedIndex: r.fsm.AppliedIndex(),
		Keys:         r.fsm.Len(),
		Voters:       r.voters(),
	}
}

func (r *Replica) term() uint64 {
	t, _ := r.stores.stable.GetUint64([]byte("CurrentTerm"))
	return t
}

func (r *Replica) voters() int {
	f := r.raft.GetConfiguration()
	if f.Error() != nil {
		return 0
	}
	n := 0
	for _, s := range f.Configuration().Servers {
		if s.Suffrage == raft.Voter {
			n++
		}
	}
	return n
}

// Ready reports whether the replica knows a leader and has applied every
// entry it knows to be committed.
func (r *Replica) Ready() bool {
	id, _ := r.Leader()
	return id != "" && r.fsm.AppliedIndex() >= r.raft.CommitIndex()
}

// TransferLeadership hands leadership to the replica on node id at addr and
// waits for the transfer to finish.
func (r *Replica) TransferLeadership(ctx context.Context, id, addr string) error {
	if !r.IsLeader() {
		return r.notLeader()
	}
	f := r.raft.LeadershipTransferToServer(raft.ServerID(id), raft.ServerAddress(addr))
	done := make(chan error, 1)
	go func() { done <- f.Error() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Snapshot asks Raft to take a snapshot now and waits for it.
func (r *Replica) Snapshot() error {
	return r.raft.Snapshot().Error()
}
