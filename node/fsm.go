package node

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/google/btree"
	"github.com/hashicorp/raft"
)

// Defaults of FSMConfig's zero fields.
const (
	DefaultDedupMaxEntries = 100000
	DefaultDedupWindow     = 1000000
)

// treeDegree is the B-tree's degree: nodes hold up to 2*treeDegree-1 entries.
const treeDegree = 32

// FSMConfig configures a state machine. The zero value is useful. Every
// replica of a partition must use the same configuration, since it decides
// which idempotency records the replicated state keeps.
type FSMConfig struct {
	// DedupMaxEntries is the most idempotency records kept; the oldest are
	// dropped beyond it. Zero or less means DefaultDedupMaxEntries.
	DedupMaxEntries int
	// DedupWindow is how many log entries an idempotency record lives: a
	// record made at index i is forgotten once the log passes i+DedupWindow.
	// Zero means DefaultDedupWindow.
	DedupWindow uint64
}

func (c FSMConfig) withDefaults() FSMConfig {
	if c.DedupMaxEntries <= 0 {
		c.DedupMaxEntries = DefaultDedupMaxEntries
	}
	if c.DedupWindow == 0 {
		c.DedupWindow = DefaultDedupWindow
	}
	return c
}

// FSM is the replicated state machine of one partition: a B-tree of entries
// ordered by key, plus the table of idempotency records. It implements
// raft.FSM and raft.ConfigurationStore. Reads (Get, Scan, Len) run
// concurrently with each other and see the state between two applies; Apply
// and Restore exclude them while they change the state. Entries handed out
// share the tree's memory, which is immutable (a key is stored with its
// revisions and value in one string): their values are read-only views that
// callers must never write to. A value's capacity is its length, so
// appending to it copies.
type FSM struct {
	cfg     FSMConfig
	mu      sync.RWMutex // guards tree, dedup and scratch, and writes of applied
	tree    *btree.BTreeG[item]
	dedup   *dedupTable
	scratch []byte        // Apply's buffer for hashing commands
	applied atomic.Uint64 // changes with the state, under mu; read without it
	size    atomic.Int64  // Bytes: changes with the tree, under mu; read without it
	notify  notifier
}

var (
	_ raft.FSM                = (*FSM)(nil)
	_ raft.ConfigurationStore = (*FSM)(nil)
)

// NewFSM returns an empty state machine at applied index 0.
func NewFSM(cfg FSMConfig) *FSM {
	cfg = cfg.withDefaults()
	return &FSM{cfg: cfg, tree: newTree(), dedup: newDedupTable(cfg)}
}

// Get returns the entry stored under key, as of the last apply.
func (f *FSM) Get(key string) (Entry, bool) {
	f.mu.RLock()
	it, ok := f.tree.Get(probe(key))
	f.mu.RUnlock()
	if !ok {
		return Entry{}, false
	}
	return it.entry(), true
}

// scanPrealloc bounds the room a limited scan reserves for its answer
// before it knows how many entries the range holds.
const scanPrealloc = 128

// Scan returns the entries whose keys are in [start, end), in byte order of
// their keys, as of the last apply. An empty end means no upper bound; a
// limit of zero or less means no limit.
func (f *FSM) Scan(start, end string, limit int) []Entry {
	f.mu.RLock()
	defer f.mu.RUnlock()
	var out []Entry
	f.tree.AscendGreaterOrEqual(probe(start), func(it item) bool {
		if end != "" && it.key() >= end {
			return false
		}
		if out == nil && limit > 0 {
			out = make([]Entry, 0, min(limit, scanPrealloc))
		}
		out = append(out, it.entry())
		return limit <= 0 || len(out) < limit
	})
	return out
}

// Len returns the number of keys stored.
func (f *FSM) Len() int {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.tree.Len()
}

// AppliedIndex returns the index of the last log entry applied (a command or
// a configuration) or restored from a snapshot. Reads that follow observe at
// least the state as of that index.
func (f *FSM) AppliedIndex() uint64 {
	return f.applied.Load()
}

// WaitApplied blocks until AppliedIndex() >= index and returns nil, or
// returns ctx.Err() if ctx ends first. It does not poll: each apply or
// restore wakes the waiters.
func (f *FSM) WaitApplied(ctx context.Context, index uint64) error {
	for {
		wake := f.notify.wait() // taken before the check, so no apply is missed
		if f.applied.Load() >= index {
			return nil
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// notifier wakes every goroutine waiting for the next change. It makes a
// channel only when someone waits, so changes nobody waits for cost nothing.
type notifier struct {
	mu sync.Mutex
	ch chan struct{}
}

// wait returns a channel closed at the next broadcast.
func (n *notifier) wait() <-chan struct{} {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.ch == nil {
		n.ch = make(chan struct{})
	}
	return n.ch
}

// broadcast wakes everyone waiting.
func (n *notifier) broadcast() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.ch != nil {
		close(n.ch)
		n.ch = nil
	}
}
