package raftlog

import (
	"encoding/binary"
	"fmt"

	"github.com/hashicorp/raft"
)

// GroupStore is one Raft group's part of a shared Log. It implements
// raft.LogStore, raft.StableStore and raft.MonotonicLogStore. Every write
// returns only once its record is fsynced, after being committed together
// with the writes of every other group queued at the same time. It is safe
// for concurrent use.
type GroupStore struct {
	log *Log
	id  uint64
}

var (
	_ raft.LogStore          = (*GroupStore)(nil)
	_ raft.StableStore       = (*GroupStore)(nil)
	_ raft.MonotonicLogStore = (*GroupStore)(nil)
)

// ID returns the group's id.
func (g *GroupStore) ID() uint64 { return g.id }

// FirstIndex returns the group's first index, 0 when it holds no entry.
func (g *GroupStore) FirstIndex() (uint64, error) {
	s, err := g.log.span(g.id)
	return s.first, err
}

// LastIndex returns the group's last index, 0 when it holds no entry.
func (g *GroupStore) LastIndex() (uint64, error) {
	s, err := g.log.span(g.id)
	return s.last, err
}

// GetLog reads the entry at index into out, or returns raft.ErrLogNotFound.
// out's Data and Extensions are fresh slices the caller may keep.
func (g *GroupStore) GetLog(index uint64, out *raft.Log) error {
	b, err := g.log.read(g.id, index)
	if err != nil {
		return err
	}
	rec, _, err := decodeRecord(b)
	if err == nil && (rec.kind != kindEntry || rec.group != g.id || rec.entry.Index != index) {
		err = fmt.Errorf("found group %d index %d kind %d", rec.group, rec.entry.Index, rec.kind)
	}
	if err != nil {
		return fmt.Errorf("%w: group %d index %d: %v", ErrCorrupt, g.id, index, err)
	}
	*out = rec.entry
	return nil
}

// StoreLog stores one entry; see StoreLogs.
func (g *GroupStore) StoreLog(l *raft.Log) error {
	return g.StoreLogs([]*raft.Log{l})
}

// StoreLogs durably stores entries with consecutive indexes. The first
// must follow the group's last entry, or fall within the group's range, in
// which case the entries from there on are replaced; an empty group may
// start at any index. Otherwise ErrNotContiguous, and nothing is stored.
func (g *GroupStore) StoreLogs(logs []*raft.Log) error {
	if len(logs) == 0 {
		return nil
	}
	r, err := encodeEntries(g.id, logs)
	if err != nil {
		return err
	}
	return g.log.submit(r)
}

// DeleteRange durably deletes entries [min, max]: a prefix (after a
// snapshot), a suffix (conflicting entries on a follower) or all of them.
// Deleting from strictly inside the range is refused (ErrNotContiguous).
func (g *GroupStore) DeleteRange(min, max uint64) error {
	return g.log.submit(&request{
		kind: kindDelete, group: g.id, first: min, last: max,
		buf: appendDeleteRecord(nil, g.id, min, max),
	})
}

// IsMonotonic reports true: a group's entries never have gaps, so Raft
// deletes every entry after restoring a snapshot instead of leaving a gap.
func (g *GroupStore) IsMonotonic() bool { return true }

// Set durably stores val under key, through the shared log.
func (g *GroupStore) Set(key, val []byte) error {
	buf, err := appendStableRecord(nil, g.id, key, val)
	if err != nil {
		return err
	}
	// key and val are copied when published, before Set returns.
	return g.log.submit(&request{kind: kindStable, group: g.id, key: key, value: val, buf: buf})
}

// Get returns a copy of the value of key, or ErrKeyNotFound.
func (g *GroupStore) Get(key []byte) ([]byte, error) {
	return g.log.stable(g.id, key)
}

// SetUint64 durably stores val under key, as 8 big-endian bytes.
func (g *GroupStore) SetUint64(key []byte, val uint64) error {
	return g.Set(key, binary.BigEndian.AppendUint64(nil, val))
}

// GetUint64 returns the value SetUint64 stored under key, or
// ErrKeyNotFound.
func (g *GroupStore) GetUint64(key []byte) (uint64, error) {
	v, err := g.Get(key)
	if err != nil {
		return 0, err
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("raftlog: value of %q is %d bytes, not a uint64", key, len(v))
	}
	return binary.BigEndian.Uint64(v), nil
}

// encodeEntries encodes logs as the records of one request.
func encodeEntries(group uint64, logs []*raft.Log) (*request, error) {
	r := &request{
		kind: kindEntry, group: group,
		first: logs[0].Index, last: logs[len(logs)-1].Index,
		sizes: make([]uint32, len(logs)),
		buf:   make([]byte, 0, encodedSize(logs)),
	}
	for k, l := range logs {
		if k > 0 && l.Index != logs[k-1].Index+1 {
			return nil, fmt.Errorf("%w: index %d follows %d in one call", ErrNotContiguous, l.Index, logs[k-1].Index)
		}
		before := len(r.buf)
		var err error
		if r.buf, err = appendEntryRecord(r.buf, group, l); err != nil {
			return nil, err
		}
		r.sizes[k] = uint32(len(r.buf) - before)
	}
	return r, nil
}

func encodedSize(logs []*raft.Log) int {
	n := 0
	for _, l := range logs {
		n += frameSize + bodyHeader + entryFixed + len(l.Data) + len(l.Extensions)
	}
	return n
}
