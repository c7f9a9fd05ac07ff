package controller

import (
	"sync"
	"time"
)

// eventLog keeps the recent events and fans new ones out to subscribers.
// Every publish also advances the view version, which long-polls wait on.
type eventLog struct {
	mu      sync.Mutex
	seq     uint64
	recent  []Event
	subs    map[chan Event]struct{}
	version uint64
	changed chan struct{} // closed at the next version change
}

// recentEvents is how many events a new subscriber is replayed.
const recentEvents = 200

// subscriberBuffer is how many events a slow subscriber may fall behind
// before it misses some.
const subscriberBuffer = 64

func newEventLog() *eventLog {
	return &eventLog{subs: map[chan Event]struct{}{}, changed: make(chan struct{})}
}

// publish records an event, sends it to every subscriber and bumps the version.
func (l *eventLog) publish(kind, nodeID string, partition uint64, message string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	e := Event{Seq: l.seq, Time: time.Now().UTC(), Kind: kind, Node: nodeID, Partition: partition, Message: message}
	l.recent = append(l.recent, e)
	if len(l.recent) > recentEvents {
		l.recent = l.recent[len(l.recent)-recentEvents:]
	}
	for ch := range l.subs {
		select {
		case ch <- e:
		default: // a subscriber that does not keep up misses events, never blocks others
		}
	}
	l.bumpLocked()
}

func (l *eventLog) bumpLocked() {
	l.version++
	close(l.changed)
	l.changed = make(chan struct{})
}

// current returns the version and a channel closed when it next changes.
func (l *eventLog) current() (uint64, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.version, l.changed
}

// subscribe returns the recent events and a channel of the new ones;
// cancel unsubscribes.
func (l *eventLog) subscribe() (replay []Event, ch <-chan Event, cancel func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := make(chan Event, subscriberBuffer)
	l.subs[c] = struct{}{}
	replay = append([]Event(nil), l.recent...)
	return replay, c, func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		delete(l.subs, c)
	}
}
