package node

import (
	"context"
	"runtime"
	"sync"

	"github.com/hashicorp/raft"
)

// leaderVerifier batches leadership checks for linearizable reads: every
// reader that joins while a round runs waits for the next round, which
// starts after they all joined and whose answer they share. A success means
// a quorum still followed this leader after each reader took its read index
// (hashicorp/raft counts replies to heartbeats in flight, which no newer
// leader can have sent).
type leaderVerifier struct {
	check func() error // one quorum round: Raft's VerifyLeader
	mu    sync.Mutex
	next  *verifyRound // the round readers join; nil while none waits
	kick  chan struct{}
	stop  chan struct{}
	done  chan struct{}
}

// verifyRound is one quorum check, whose answer all its readers share.
type verifyRound struct {
	answered chan struct{} // closed once err is set
	err      error
}

func newLeaderVerifier(r *raft.Raft) *leaderVerifier {
	return startVerifier(func() error { return r.VerifyLeader().Error() })
}

// startVerifier starts a verifier whose rounds each call check once.
func startVerifier(check func() error) *leaderVerifier {
	v := &leaderVerifier{
		check: check,
		kick:  make(chan struct{}, 1),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	go v.run()
	return v
}

// verify waits for a quorum round that started after the call.
func (v *leaderVerifier) verify(ctx context.Context) error {
	round := v.join()
	select {
	case v.kick <- struct{}{}:
	default: // a kick is pending: the round it starts includes this reader
	}
	select {
	case <-round.answered:
		return round.err
	case <-ctx.Done():
		return ctx.Err()
	case <-v.done:
		return raft.ErrRaftShutdown
	}
}

// join returns the round that starts next, making it for the first reader.
func (v *leaderVerifier) join() *verifyRound {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.next == nil {
		v.next = &verifyRound{answered: make(chan struct{})}
	}
	return v.next
}

func (v *leaderVerifier) run() {
	defer close(v.done)
	for {
		select {
		case <-v.kick:
			// Readers often come together (the requests of one batch):
			// letting the others run first lets them join this round
			// rather than wait for the next.
			runtime.Gosched()
			// A reader that joined just before the last round was taken
			// leaves a kick behind with nobody waiting: no round for it.
			if round := v.take(); round != nil {
				round.answer(v.check())
			}
		case <-v.stop:
			if round := v.take(); round != nil {
				round.answer(raft.ErrRaftShutdown)
			}
			return
		}
	}
}

// take removes the round readers have joined, so later readers start a new
// one; nil if nobody has joined.
func (v *leaderVerifier) take() *verifyRound {
	v.mu.Lock()
	defer v.mu.Unlock()
	round := v.next
	v.next = nil
	return round
}

// answer gives every reader of the round err.
func (r *verifyRound) answer(err error) {
	r.err = err
	close(r.answered)
}

// close stops the verifier, failing pending readers, and waits for it.
func (v *leaderVerifier) close() {
	close(v.stop)
	<-v.done
}
