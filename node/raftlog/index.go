package raftlog

import "fmt"

// span is the range [first, last] of indexes a group holds; the zero span
// is empty (Raft indexes start at 1).
type span struct{ first, last uint64 }

func (s span) empty() bool { return s.first == 0 }

// appendLive returns the span after entries [i, j] are stored by a caller:
// an empty group may start anywhere; otherwise i must fall within
// [first, last+1], and entries from i on are replaced.
func (s span) appendLive(i, j uint64) (span, error) {
	switch {
	case i == 0:
		return s, fmt.Errorf("%w: index 0 is not a Raft index", ErrNotContiguous)
	case s.empty():
		return span{i, j}, nil
	case i < s.first || i > s.last+1:
		return s, fmt.Errorf("%w: cannot store index %d into [%d, %d]", ErrNotContiguous, i, s.first, s.last)
	}
	return span{s.first, j}, nil
}

// appendReplay is appendLive as recovery applies it. Recovery may start
// after segments holding a group's older entries were removed, so an index
// below first starts the group afresh (those entries were all superseded),
// while a gap past last+1 is corruption.
func (s span) appendReplay(i uint64) (span, error) {
	if s.empty() || i < s.first {
		return span{i, i}, nil
	}
	return s.appendLive(i, i)
}

// deleteRange returns the span after entries [min, max] are deleted. Only
// a prefix, a suffix or everything may go; a range outside the span
// changes nothing.
func (s span) deleteRange(min, max uint64) (span, error) {
	if s.empty() || min > max || max < s.first || min > s.last {
		return s, nil
	}
	head, tail := min <= s.first, max >= s.last
	switch {
	case head && tail:
		return span{}, nil
	case head:
		return span{max + 1, s.last}, nil
	case tail:
		return span{s.first, min - 1}, nil
	}
	return s, fmt.Errorf("%w: cannot delete [%d, %d] inside [%d, %d]", ErrNotContiguous, min, max, s.first, s.last)
}

// location is where one record lies.
type location struct {
	off  int64  // offset in the segment file
	seg  uint32 // segment id
	size uint32 // record size in bytes
}

// groupIndex maps a group's indexes to the locations of their records:
// locs[k] is the record of index span.first+k.
type groupIndex struct {
	span span
	locs []location
}

// appendAt records index i at loc with replay semantics (a caller's
// validated append is always a valid replay).
func (g *groupIndex) appendAt(i uint64, loc location) error {
	next, err := g.span.appendReplay(i)
	if err != nil {
		return err
	}
	if next.first != g.span.first {
		g.locs = g.locs[:0]
	}
	g.locs = append(g.locs[:i-next.first], loc)
	g.span = next
	return nil
}

// deleteRange drops the locations of entries [min, max].
func (g *groupIndex) deleteRange(min, max uint64) error {
	next, err := g.span.deleteRange(min, max)
	if err != nil || next == g.span {
		return err
	}
	switch {
	case next.empty():
		g.locs = nil
	case next.first != g.span.first:
		g.locs = shrink(g.locs[next.first-g.span.first:])
	default:
		g.locs = g.locs[:next.last-next.first+1]
	}
	g.span = next
	return nil
}

// shrink copies locs into a smaller array when most of the one it shares
// is unused, so that head truncation gives memory back.
func shrink(locs []location) []location {
	if cap(locs) <= 2*len(locs)+64 {
		return locs
	}
	return append(make([]location, 0, len(locs)+len(locs)/4), locs...)
}

// lookup returns the location of index i.
func (g *groupIndex) lookup(i uint64) (location, bool) {
	if g.span.empty() || i < g.span.first || i > g.span.last {
		return location{}, false
	}
	return g.locs[i-g.span.first], true
}

// oldestSegment returns the segment of the group's first entry.
func (g *groupIndex) oldestSegment() (uint32, bool) {
	if len(g.locs) == 0 {
		return 0, false
	}
	return g.locs[0].seg, true
}
