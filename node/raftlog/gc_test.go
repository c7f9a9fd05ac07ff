package raftlog

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// fillSegments stores n entries of 1 KiB each into s, one per call, in
// term 1, starting after its last index.
func fillSegments(t *testing.T, s *GroupStore, n uint64) {
	last, err := s.LastIndex()
	require.NoError(t, err)
	for i := last + 1; i <= last+n; i++ {
		e := testEntry(s.ID(), i, 1)
		e.Data = append(e.Data, make([]byte, 1<<10)...)
		require.NoError(t, s.StoreLog(e))
	}
}

func segmentFiles(t *testing.T, dir string) []uint32 {
	ids, err := listSegments(dir)
	require.NoError(t, err)
	return ids
}

func TestSegmentsRotateAtSegmentSize(t *testing.T) {
	dir := t.TempDir()
	l := openTestLog(t, dir, Options{SegmentSize: MinSegmentSize})
	fillSegments(t, mustGroup(t, l, 1), 20)
	require.Greater(t, l.Stats().Segments, 3)
	require.Len(t, segmentFiles(t, dir), l.Stats().Segments)
}

func TestHeadTruncationOfEveryGroupRemovesOldSegments(t *testing.T) {
	dir := t.TempDir()
	l := openTestLog(t, dir, Options{SegmentSize: MinSegmentSize})
	a, b := mustGroup(t, l, 1), mustGroup(t, l, 2)
	for range 10 {
		fillSegments(t, a, 2)
		fillSegments(t, b, 2)
	}
	before := l.Stats().Segments

	require.NoError(t, a.DeleteRange(1, 18))
	require.GreaterOrEqual(t, l.Stats().Segments, before, "group 2 still needs every segment")
	require.NoError(t, b.DeleteRange(1, 18))
	after := l.Stats().Segments
	require.Less(t, after, before/2)
	require.NoError(t, l.Close())
	require.Len(t, segmentFiles(t, dir), after, "files of removed segments are gone")

	l = openTestLog(t, dir, Options{SegmentSize: MinSegmentSize})
	requireIndexes(t, mustGroup(t, l, 1), 19, 20)
	requireIndexes(t, mustGroup(t, l, 2), 19, 20)
}

func TestStableValuesSurviveRemovalOfTheirSegment(t *testing.T) {
	dir := t.TempDir()
	l := openTestLog(t, dir, Options{SegmentSize: MinSegmentSize})
	s := mustGroup(t, l, 1)
	require.NoError(t, s.SetUint64([]byte("CurrentTerm"), 7))
	fillSegments(t, s, 20)
	require.NoError(t, s.DeleteRange(1, 20))
	require.Equal(t, 1, l.Stats().Segments)
	require.NoError(t, l.Close())
	require.NotContains(t, segmentFiles(t, dir), uint32(1), "the segment the value was written in is gone")

	s = mustGroup(t, openTestLog(t, dir, Options{SegmentSize: MinSegmentSize}), 1)
	term, err := s.GetUint64([]byte("CurrentTerm"))
	require.NoError(t, err)
	require.Equal(t, uint64(7), term)
}

func TestDropGroupRemovesTheSegmentsOnlyItNeeded(t *testing.T) {
	dir := t.TempDir()
	l := openTestLog(t, dir, Options{SegmentSize: MinSegmentSize})
	fillSegments(t, mustGroup(t, l, 1), 20)
	fillSegments(t, mustGroup(t, l, 2), 2)
	require.Greater(t, l.Stats().Segments, 3)
	require.NoError(t, l.DropGroup(1))
	require.LessOrEqual(t, l.Stats().Segments, 2)
	requireIndexes(t, mustGroup(t, l, 2), 1, 2)
}

func TestOpenDeletesSegmentsBelowAGap(t *testing.T) {
	dir := t.TempDir()
	l := openTestLog(t, dir, Options{SegmentSize: MinSegmentSize})
	s := mustGroup(t, l, 1)
	fillSegments(t, s, 20)
	require.NoError(t, s.DeleteRange(1, 18))
	require.NoError(t, l.Close())
	live := segmentFiles(t, dir)
	// An old segment whose removal a crash undid, below a removed one.
	stale := filepath.Join(dir, segmentName(1))
	require.NoError(t, os.WriteFile(stale, appendSegmentHeader(nil, 1), 0o640))
	require.Greater(t, live[0], uint32(2))

	s = mustGroup(t, openTestLog(t, dir, Options{SegmentSize: MinSegmentSize}), 1)
	requireIndexes(t, s, 19, 20)
	require.Equal(t, live, segmentFiles(t, dir))
}
