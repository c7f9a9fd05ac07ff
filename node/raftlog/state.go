package raftlog

import (
	"fmt"
	"maps"
	"slices"
)

// group is everything the log holds for one Raft group.
type group struct {
	index  groupIndex
	stable map[string][]byte
}

// state is the in-memory view of the log: every group's index and stable
// values. Recovery builds it by replaying records; the writer then changes
// it only after the records it applies are on disk.
type state struct {
	groups map[uint64]*group
}

func newState() *state {
	return &state{groups: make(map[uint64]*group)}
}

func (s *state) group(id uint64) *group {
	g := s.groups[id]
	if g == nil {
		g = &group{stable: make(map[string][]byte)}
		s.groups[id] = g
	}
	return g
}

// span returns the range of indexes group id holds.
func (s *state) span(id uint64) span {
	if g := s.groups[id]; g != nil {
		return g.index.span
	}
	return span{}
}

// replay applies one record found at loc.
func (s *state) replay(rec *record, loc location) error {
	switch rec.kind {
	case kindEntry:
		return s.group(rec.group).index.appendAt(rec.entry.Index, loc)
	case kindDelete:
		return s.deleteRange(rec.group, rec.min, rec.max)
	case kindStable:
		s.setStable(rec.group, rec.key, rec.value)
	case kindDrop:
		delete(s.groups, rec.group)
	}
	return nil
}

func (s *state) deleteRange(id, min, max uint64) error {
	g := s.groups[id]
	if g == nil {
		return nil
	}
	return g.index.deleteRange(min, max)
}

// setStable stores copies of key and value.
func (s *state) setStable(id uint64, key, value []byte) {
	s.group(id).stable[string(key)] = slices.Clone(value)
}

func (s *state) stable(id uint64, key []byte) ([]byte, bool) {
	g := s.groups[id]
	if g == nil {
		return nil, false
	}
	v, ok := g.stable[string(key)]
	return v, ok
}

// oldestNeeded returns the lowest segment id holding an entry some group
// still has, or fallback when no group holds an entry.
func (s *state) oldestNeeded(fallback uint32) uint32 {
	oldest := fallback
	for _, g := range s.groups {
		if seg, ok := g.index.oldestSegment(); ok && seg < oldest {
			oldest = seg
		}
	}
	return oldest
}

// appendCheckpoint appends a stable record for every stable value of every
// group, so that a new segment carries all of them and older segments can
// be removed without losing a term or a vote.
func (s *state) appendCheckpoint(dst []byte) ([]byte, error) {
	var err error
	for _, id := range slices.Sorted(maps.Keys(s.groups)) {
		for _, key := range slices.Sorted(maps.Keys(s.groups[id].stable)) {
			dst, err = appendStableRecord(dst, id, []byte(key), s.groups[id].stable[key])
			if err != nil {
				return dst, fmt.Errorf("checkpoint of group %d: %w", id, err)
			}
		}
	}
	return dst, nil
}
