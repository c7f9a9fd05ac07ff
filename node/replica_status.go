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
	Bytes        int64  `json:"bytes"` // sum of the sizes of keys and values
	Voters       int    `json:"voters"`
	// RequestsPerSec is the rate of data API requests this replica served
	// over the last seconds.
	RequestsPerSec float64 `json:"requests_per_sec"`
	// Learner reports that this replica is a non-voter of its group.
	Learner bool `json:"learner"`
	// Members is the group's latest configuration, reported by the leader only.
	Members []Member `json:"members,omitempty"`
}

// Status reports the replica's role, leader, term, indexes and size. It is
// cheap: every field is read from memory.
func (r *Replica) Status() ReplicaStatus {
	id, addr := r.Leader()
	state := r.raft.State()
	servers := r.configuration()
	s := ReplicaStatus{
		Partition:      r.partition,
		State:          state.String(),
		LeaderID:       id,
		LeaderAddr:     addr,
		Term:           r.term(),
		CommitIndex:    r.raft.CommitIndex(),
		AppliedIndex:   r.fsm.AppliedIndex(),
		Keys:           r.fsm.Len(),
		Bytes:          r.fsm.Bytes(),
		RequestsPerSec: r.requests.rate(),
		Voters:         voters(servers),
		Learner:        isLearner(servers, r.nodeID),
	}
	if state == raft.Leader {
		s.Members = membersOf(servers)
	}
	return s
}

func (r *Replica) term() uint64 {
	t, _ := r.stores.stable.GetUint64([]byte("CurrentTerm"))
	return t
}

func voters(servers []raft.Server) int {
	n := 0
	for _, s := range servers {
		if s.Suffrage == raft.Voter {
			n++
		}
	}
	return n
}

func isLearner(servers []raft.Server, nodeID string) bool {
	for _, s := range servers {
		if string(s.ID) == nodeID {
			return s.Suffrage == raft.Nonvoter
		}
	}
	return false
}

// Ready reports whether the replica knows a leader and has applied every
// entry it knows to be committed.
func (r *Replica) Ready() bool {
	id, _ := r.Leader()
	return id != "" && r.fsm.AppliedIndex() >= r.raft.CommitIndex()
}

// TransferLeadership hands leadership to the replica on node id, a voter,
// at addr (empty: the address the configuration has for it), and waits for
// the transfer to finish. An empty id lets Raft pick the most up-to-date
// voter; the leader's own id is a no-op. It runs on the leader only and
// sorts errors as the membership changes do.
func (r *Replica) TransferLeadership(ctx context.Context, id, addr string) error {
	if !r.IsLeader() {
		return r.notLeader()
	}
	if id == r.nodeID {
		return nil
	}
	if id == "" {
		return r.waitChange(ctx, r.raft.LeadershipTransfer(), "transfer leadership")
	}
	addr, err := r.transferTarget(id, addr)
	if err != nil {
		return err
	}
	f := r.raft.LeadershipTransferToServer(raft.ServerID(id), raft.ServerAddress(addr))
	return r.waitChange(ctx, f, "transfer leadership to "+id)
}

// Snapshot asks Raft to take a snapshot now and waits for it.
func (r *Replica) Snapshot() error {
	return r.raft.Snapshot().Error()
}
