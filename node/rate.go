package node

import (
	"sync"
	"time"
)

// rateWindow is how many whole seconds a rateMeter averages over; it keeps
// one more bucket, for the second still filling.
const (
	rateWindow  = 10
	rateBuckets = rateWindow + 1
)

// rateMeter counts events in per-second buckets and reports their rate over
// the last rateWindow whole seconds. It is safe for concurrent use; the
// clock is injectable so tests are deterministic.
type rateMeter struct {
	mu      sync.Mutex
	now     func() time.Time
	start   int64 // the second the meter started
	buckets [rateBuckets]rateBucket
}

// rateBucket counts the events of one second.
type rateBucket struct {
	sec   int64 // Unix second the count belongs to
	count uint64
}

func newRateMeter(now func() time.Time) *rateMeter {
	return &rateMeter{now: now, start: now().Unix()}
}

// add counts one event now.
func (m *rateMeter) add() {
	sec := m.now().Unix()
	m.mu.Lock()
	defer m.mu.Unlock()
	b := &m.buckets[bucketIndex(sec)]
	if b.sec != sec {
		*b = rateBucket{sec: sec}
	}
	b.count++
}

// rate returns events per second over the last rateWindow whole seconds
// (the current second, still filling, is left out). A meter younger than
// the window averages over the whole seconds it has lived.
func (m *rateMeter) rate() float64 {
	now := m.now().Unix()
	span := min(now-m.start, rateWindow)
	if span <= 0 {
		return 0
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var total uint64
	for _, b := range m.buckets {
		if b.sec >= now-span && b.sec < now {
			total += b.count
		}
	}
	return float64(total) / float64(span)
}

// bucketIndex maps a Unix second to its bucket.
func bucketIndex(sec int64) int {
	i := int(sec % rateBuckets)
	if i < 0 {
		i += rateBuckets
	}
	return i
}
