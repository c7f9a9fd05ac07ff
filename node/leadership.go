package node

import (
	"sync"
)

// leadership follows this replica's leadership as Raft reports it on its
// notify channel (which delivers every change, in order). Each term of
// leadership is a generation; a generation becomes ready once the leader has
// committed and applied an entry of its own (the barrier), after which its
// commit index covers every earlier entry and may serve ReadIndex reads.
type leadership struct {
	mu     sync.Mutex
	gen    uint64
	leader bool
	ready  bool
	wake   chan struct{} // closed at the next change of leader or ready
}

func newLeadership() *leadership {
	return &leadership{wake: make(chan struct{})}
}

// change records a leadership change and returns the new generation.
func (l *leadership) change(isLeader bool) uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.gen++
	l.leader = isLeader
	l.ready = false
	l.wakeAll()
	return l.gen
}

// markReady marks generation gen ready if it is still the current one.
func (l *leadership) markReady(gen uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.gen == gen && l.leader {
		l.ready = true
		l.wakeAll()
	}
}

func (l *leadership) wakeAll() {
	close(l.wake)
	l.wake = make(chan struct{})
}

// current returns whether this replica leads, whether its leadership is
// ready for reads, and a channel that closes at the next change of either.
func (l *leadership) current() (leader, ready bool, changed <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.leader, l.ready, l.wake
}
