package raftlog

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestWritesFillReservedZeros checks that a segment's file is filled with
// zeros ahead of its records, in whole chunks, so that writes overwrite
// blocks the file has rather than grow it.
func TestWritesFillReservedZeros(t *testing.T) {
	dir := t.TempDir()
	l := openTestLog(t, dir, Options{})
	s := mustGroup(t, l, 1)
	require.NoError(t, s.StoreLogs(testEntries(1, 1, 10, 1)))
	info, err := os.Stat(filepath.Join(dir, segmentName(1)))
	require.NoError(t, err)
	require.Equal(t, int64(preallocChunk), info.Size(), "one chunk reserved")
	require.Equal(t, int64(preallocChunk), l.active.alloc)
	require.Less(t, l.active.size, l.active.alloc)

	big := testEntry(1, 11, 1)
	big.Data = make([]byte, preallocChunk)
	require.NoError(t, s.StoreLog(big))
	info, err = os.Stat(filepath.Join(dir, segmentName(1)))
	require.NoError(t, err)
	require.Equal(t, int64(2*preallocChunk), info.Size(), "reserved up to the chunk past the records")
	require.NoError(t, l.Close())
}

// TestOpenTakesZerosForTheEnd checks that a segment whose records are
// followed by zeros opens with nothing cut (the zeros are reserved space,
// not a torn write), keeps the file's size, and that new writes go over
// the zeros and read back after a reopen.
func TestOpenTakesZerosForTheEnd(t *testing.T) {
	dir := t.TempDir()
	path := writeTen(t, dir)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, append(b, make([]byte, 4096)...), 0o640))

	l := openTestLog(t, dir, Options{})
	require.Zero(t, l.Stats().TornBytes, "zeros after the records are not torn")
	s := mustGroup(t, l, 1)
	requireRange(t, s, 1, 10, 1)
	info, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, int64(len(b)+4096), info.Size(), "the zeros were kept for the next writes")
	require.NoError(t, s.StoreLogs(testEntries(1, 11, 12, 1)))
	require.NoError(t, l.Close())

	l = openTestLog(t, dir, Options{})
	require.Zero(t, l.Stats().TornBytes)
	requireRange(t, mustGroup(t, l, 1), 1, 12, 1)
}

// TestZerosEndAnOlderSegment checks that an older segment still holding
// its reserved zeros (a crash between a rotation and the trim that
// follows it) opens whole, and that a rotation trims the segment it seals.
func TestZerosEndAnOlderSegment(t *testing.T) {
	dir := t.TempDir()
	l := openTestLog(t, dir, Options{SegmentSize: MinSegmentSize})
	s := mustGroup(t, l, 1)
	for i := uint64(1); l.active.id == 1; i++ {
		require.NoError(t, s.StoreLog(testEntry(1, i, 1)))
	}
	last, err := s.LastIndex()
	require.NoError(t, err)
	first := l.segs[1]
	require.Equal(t, first.size, first.alloc, "the sealed segment was trimmed")
	require.NoError(t, l.Close())

	path := filepath.Join(dir, segmentName(1))
	info, err := os.Stat(path)
	require.NoError(t, err)
	require.NoError(t, os.Truncate(path, info.Size()+preallocChunk))
	l = openTestLog(t, dir, Options{SegmentSize: MinSegmentSize})
	require.Zero(t, l.Stats().TornBytes)
	requireRange(t, mustGroup(t, l, 1), 1, last, 1)
}
