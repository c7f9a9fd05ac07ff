package node

import (
	"hash/crc64"
	"hash/maphash"
)

// dedupRecord is one idempotency record, as a snapshot carries it: the first
// application of an idempotent command.
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
//
// A table holds up to maxEntries records per partition for as long as the
// node runs, so it holds no Go pointers per record: the garbage collector
// would otherwise trace every record on every cycle. Slots, the map and the
// arena's chunks are all pointer-free memory.
type dedupTable struct {
	maxEntries int
	window     uint64
	seeds      [2]maphash.Seed
	slots      []dedupSlot // live records are slots[head:], oldest first
	head       int
	base       uint64             // sequence number of slots[0]
	byKey      map[dedupID]uint64 // sequence number of each key's record
	arena      dedupArena         // keys and encoded results of the slots
}

// dedupID identifies an idempotency key in one table: 128 bits of a seeded
// hash. Lookups compare the key itself too, so IDs only need to be unique
// among the keys a table holds.
type dedupID [2]uint64

// dedupSlot is a record in the table: its key and result are bytes in the
// arena's chunk number chunk, the key at [off, keyEnd) and the result,
// encoded as snapshots encode it, at [keyEnd, end).
type dedupSlot struct {
	index            uint64
	hash             uint64
	id               dedupID
	chunk            uint64
	off, keyEnd, end uint32
}

// newDedupTable returns an empty table; cfg must have its defaults applied.
func newDedupTable(cfg FSMConfig) *dedupTable {
	return &dedupTable{
		maxEntries: cfg.DedupMaxEntries,
		window:     cfg.DedupWindow,
		seeds:      [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
		byKey:      make(map[dedupID]uint64),
	}
}

// len returns the number of records kept.
func (t *dedupTable) len() int { return len(t.slots) - t.head }

// expire drops the records that have expired at log index: those made more
// than window entries before it.
func (t *dedupTable) expire(index uint64) {
	for t.len() > 0 {
		s := &t.slots[t.head]
		if index <= s.index || index-s.index <= t.window {
			return
		}
		t.pop()
	}
}

// lookup returns the slot of key's record, if one is kept. Call expire
// first. The slot is valid until the table changes.
func (t *dedupTable) lookup(key string) (*dedupSlot, bool) {
	seq, ok := t.byKey[t.id(key)]
	if !ok {
		return nil, false
	}
	s := &t.slots[seq-t.base]
	if string(t.arena.bytes(s.chunk, s.off, s.keyEnd)) != key {
		return nil, false // another key with the same 128-bit ID: never seen
	}
	return s, true
}

// result decodes the result of slot s, a slot of t.
func (t *dedupTable) result(s *dedupSlot) (Result, error) {
	return decodeResult(t.arena.bytes(s.chunk, s.keyEnd, s.end))
}

// insert adds the record of key, newer than every record kept, and drops the
// oldest records beyond maxEntries. The record keeps a copy of res.
func (t *dedupTable) insert(key string, index, hash uint64, res *Result) {
	s := dedupSlot{index: index, hash: hash, id: t.id(key)}
	s.chunk, s.off, s.keyEnd, s.end = t.arena.add(key, res)
	t.byKey[s.id] = t.base + uint64(len(t.slots))
	t.slots = append(t.slots, s)
	for t.len() > t.maxEntries {
		t.pop()
	}
}

// pop drops the oldest record, and the arena's chunks no record uses.
func (t *dedupTable) pop() {
	s := &t.slots[t.head]
	if seq := t.base + uint64(t.head); t.byKey[s.id] == seq {
		delete(t.byKey, s.id)
	}
	t.head++
	if t.len() == 0 {
		t.arena.release(t.arena.end())
	} else {
		t.arena.release(t.slots[t.head].chunk)
	}
	if t.head >= 1024 && t.head*2 >= len(t.slots) {
		n := copy(t.slots, t.slots[t.head:])
		t.slots = t.slots[:n]
		t.base += uint64(t.head)
		t.head = 0
	}
}

// id returns key's ID in this table.
func (t *dedupTable) id(key string) dedupID {
	return dedupID{maphash.String(t.seeds[0], key), maphash.String(t.seeds[1], key)}
}

// view returns the records kept, as of now: later changes of the table do
// not change it.
func (t *dedupTable) view() dedupView {
	return dedupView{slots: append([]dedupSlot(nil), t.slots[t.head:]...), arena: t.arena.share()}
}

// commandHash returns a 64-bit hash of what cmd asks for, without its
// idempotency key and proposal time, so that the retries of one request hash
// alike. The hash is the same on every replica. It encodes into buf and
// returns buf for reuse.
func commandHash(buf []byte, cmd *Command) (uint64, []byte) {
	buf = appendCommandBody(buf[:0], cmd)
	return crc64.Checksum(buf, crc64Table), buf
}

// crc64Table is the table of commandHash.
var crc64Table = crc64.MakeTable(crc64.ECMA)
