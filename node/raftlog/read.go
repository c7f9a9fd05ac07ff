package raftlog

import (
	"fmt"
	"slices"

	"github.com/hashicorp/raft"
)

// span returns the range of entries group id holds.
func (l *Log) span(id uint64) (span, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
		return span{}, ErrClosed
	}
	return l.state.span(id), nil
}

// read returns the record of entry index of group id. The read lock is
// held through the file read so that no segment is closed under it.
func (l *Log) read(id, index uint64) ([]byte, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
		return nil, ErrClosed
	}
	g := l.state.groups[id]
	if g == nil {
		return nil, raft.ErrLogNotFound
	}
	loc, ok := g.index.lookup(index)
	if !ok {
		return nil, raft.ErrLogNotFound
	}
	seg := l.segs[loc.seg]
	if seg == nil {
		return nil, fmt.Errorf("%w: group %d index %d is in removed segment %d", ErrCorrupt, id, index, loc.seg)
	}
	buf := make([]byte, loc.size)
	if _, err := seg.f.ReadAt(buf, loc.off); err != nil {
		return nil, fmt.Errorf("read group %d index %d: %w", id, index, err)
	}
	return buf, nil
}

// stable returns a copy of group id's value of key.
func (l *Log) stable(id uint64, key []byte) ([]byte, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
		return nil, ErrClosed
	}
	v, ok := l.state.stable(id, key)
	if !ok {
		return nil, ErrKeyNotFound
	}
	return slices.Clone(v), nil
}
