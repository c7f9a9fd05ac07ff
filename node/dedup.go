package node

import (
	"hash/crc64"
	"slices"
)

// dedupRecord remembers the first application of an idempotent command.
// Records are never modified once made, so snapshots may share them.
type dedupRecord struct {
	key    string // the command's idempotency key
	index  uint64 // log index of the first application
	hash   uint64 // commandHash of the command
	result Result // what the first application answered
}

// dedupTable holds the idempotency records, part of the replicated state.
// Expiry depends on log positions only, never on a clock, so every replica
// keeps the same records: a record lives for window log entries after its
// own, and only the newest maxEntries records are kept. Records arrive in
// index order, so a FIFO queue (oldest first) plus an index by key suffices.
type dedupTable struct {
	maxEntries int
	window     uint64
	queue      []*dedupRecord // live records are queue[head:], oldest first
	head       int
	byKey      map[string]*dedupRecord
}

// newDedupTable returns an empty table; cfg must have its defaults applied.
func newDedupTable(cfg FSMConfig) *dedupTable {
	return &dedupTable{
		maxEntries: cfg.DedupMaxEntries,
		window:     cfg.DedupWindow,
		byKey:      make(map[string]*dedupRecord),
	}
}

// len returns the number of records kept.
func (t *dedupTable) len() int { return len(t.queue) - t.head }

// expire drops the records that have expired at log index: those made more
// than window entries before it.
func (t *dedupTable) expire(index uint64) {
	for t.len() > 0 {
		r := t.queue[t.head]
		if index <= r.index || index-r.index <= t.window {
			return
		}
		t.pop()
	}
}

// lookup returns the record for key, if one is kept. Call expire first.
func (t *dedupTable) lookup(key string) (*dedupRecord, bool) {
	r, ok := t.byKey[key]
	return r, ok
}

// insert adds r, newer than every record kept, and drops the oldest records
// beyond maxEntries.
func (t *dedupTable) insert(r *dedupRecord) {
	t.queue = append(t.queue, r)
	t.byKey[r.key] = r
	for t.len() > t.maxEntries {
		t.pop()
	}
}

// pop drops the oldest record.
func (t *dedupTable) pop() {
	r := t.queue[t.head]
	t.queue[t.head] = nil
	t.head++
	if t.byKey[r.key] == r {
		delete(t.byKey, r.key)
	}
	if t.head >= 1024 && t.head*2 >= len(t.queue) {
		n := copy(t.queue, t.queue[t.head:])
		clear(t.queue[n:])
		t.queue, t.head = t.queue[:n], 0
	}
}

// records returns the records kept, oldest first, in a slice of their own.
func (t *dedupTable) records() []*dedupRecord {
	return slices.Clone(t.queue[t.head:])
}

// commandHash returns a 64-bit hash of what cmd asks for, without its
// idempotency key and proposal time, so that the retries of one request hash
// alike. The hash is the same on every replica. It encodes into buf and
// returns buf for reuse.
func commandHash(buf []byte, cmd *Command) (uint64, []byte) {
	buf = appendCommandBody(buf[:0], cmd)
	return crc64.Checksum(buf, crc64.MakeTable(crc64.ECMA)), buf
}
