package node

import (
	"context"
	"sync"

	"github.com/hashicorp/raft"
)

// leaderVerifier batches VerifyLeader calls: every reader that joins while a
// round is pending shares the next round's quorum check, and a round always
// starts after its readers joined. A success means a quorum still followed
// this leader after each reader took its read index (hashicorp/raft counts
// replies to heartbeats in flight, which no newer leader can have sent).
type leaderVerifier struct {
	raft    *raft.Raft
	mu      sync.Mutex
	waiters []chan error
	kick    chan struct{}
	stop    chan struct{}
	done    chan struct{}
}

func newLeaderVerifier(r *raft.Raft) *leaderVerifier {
	v := &leaderVerifier{
		raft: r,
		kick: make(chan struct{}, 1),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	go v.run()
	return v
}

// verify waits for a quorum round that started after the call.
func (v *leaderVerifier) verify(ctx context.Context) error {
	ch := make(chan error, 1)
	v.mu.Lock()
	v.waiters = append(v.waiters, ch)
	v.mu.Unlock()
	select {
	case v.kick <- struct{}{}:
	default:
	}
	select {
	case err := <-ch:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-v.done:
		return raft.ErrRaftShutdown
	}
}

func (v *leaderVerifier) run() {
	defer close(v.done)
	for {
		select {
		case <-v.kick:
			v.answer(v.take(), v.raft.VerifyLeader().Error())
		case <-v.stop:
			v.answer(v.take(), raft.ErrRaftShutdown)
			return
		}
	}
}

func (v *leaderVerifier) take() []chan error {
	v.mu.Lock()
	defer v.mu.Unlock()
	batch := v.waiters
	v.waiters = nil
	return batch
}

func (v *leaderVerifier) answer(batch []chan error, err error) {
	for _, ch := range batch {
		ch <- err
	}
}

// close stops the verifier, failing pending readers, and waits for it.
func (v *leaderVerifier) close() {
	close(v.stop)
	<-v.done
}
