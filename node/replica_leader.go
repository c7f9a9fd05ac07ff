package node

import (
	"context"
	"time"
)

// barrierTimeout bounds how long a new leader tries to commit its barrier.
const barrierTimeout = 30 * time.Second

// watchLeadership follows leadership changes; on each gain it commits a
// barrier (an empty command) so that reads can be served in the new term.
func (r *Replica) watchLeadership() {
	defer r.wg.Done()
	for isLeader := range r.notify {
		gen := r.lead.change(isLeader)
		if isLeader {
			r.wg.Add(1)
			go r.commitBarrier(gen)
		}
	}
}

func (r *Replica) commitBarrier(gen uint64) {
	defer r.wg.Done()
	ctx, cancel := context.WithTimeout(context.Background(), barrierTimeout)
	defer cancel()
	if _, err := r.Propose(ctx, &Command{}); err != nil {
		r.logger.Warn("leader barrier failed", "err", err)
		return
	}
	r.lead.markReady(gen)
}

// ReadBarrier returns once a local read reflects every write acknowledged
// before the call, following the ReadIndex protocol: wait until this
// leader's barrier applied, note the commit index, confirm leadership with a
// quorum (batched with concurrent readers), and wait for the state machine to
// apply that index. It fails with a *NotLeaderError on a follower and with
// ErrUnavailable when leadership cannot be confirmed.
func (r *Replica) ReadBarrier(ctx context.Context) error {
	if err := r.waitReady(ctx); err != nil {
		return err
	}
	index := r.raft.CommitIndex()
	if err := r.verifier.verify(ctx); err != nil {
		if ctx.Err() != nil {
			return Errorf(ErrUnavailable, "confirming leadership: %v", ctx.Err())
		}
		return r.notLeader()
	}
	if err := r.fsm.WaitApplied(ctx, index); err != nil {
		return Errorf(ErrUnavailable, "waiting for index %d to apply: %v", index, err)
	}
	return nil
}

func (r *Replica) waitReady(ctx context.Context) error {
	for {
		leader, ready, changed := r.lead.current()
		if !r.IsLeader() {
			return r.notLeader()
		}
		// Raft reports a new leadership a moment before the replica takes
		// it up (leader still false): wait for that as for the barrier.
		if leader && (ready || brokenBarrier()) {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return Errorf(ErrUnavailable, "new leader not ready: %v", ctx.Err())
		}
	}
}
