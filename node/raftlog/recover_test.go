package raftlog

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// writeTen stores entries 1..10 of group 1, one record per call, and
// closes the log. It returns the path of the (only) segment, cut to the end
// of its records: the zeros reserved past them are gone.
func writeTen(t *testing.T, dir string) string {
	l := openTestLog(t, dir, Options{})
	s := mustGroup(t, l, 1)
	for i := uint64(1); i <= 10; i++ {
		require.NoError(t, s.StoreLog(testEntry(1, i, 1)))
	}
	require.NoError(t, l.Close())
	path := filepath.Join(dir, segmentName(1))
	end := segmentHeader
	for i := uint64(1); i <= 10; i++ {
		end += recordLen(1, i)
	}
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Greater(t, len(b), end, "the log reserved space past its records")
	require.True(t, allZero(b[end:]), "past the records, only zeros")
	require.NoError(t, os.Truncate(path, int64(end)))
	return path
}

func TestOpenCutsATornTail(t *testing.T) {
	tests := []struct {
		name   string
		damage func(b []byte) []byte
		last   uint64 // last entry expected after recovery
	}{
		{"last record cut short", func(b []byte) []byte { return b[:len(b)-5] }, 9},
		{"only a frame of the last record", func(b []byte) []byte { return b[:len(b)-recordLen(1, 10)+frameSize] }, 9},
		{"garbage appended", func(b []byte) []byte { return append(b, "\x17\x2a garbage that is no record"...) }, 10},
		{"last record's data flipped", func(b []byte) []byte { b[len(b)-10] ^= 0x40; return b }, 9},
		{"frame claiming a huge body", func(b []byte) []byte { return append(b, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x0f) }, 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := writeTen(t, dir)
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(path, tc.damage(b), 0o640))

			l := openTestLog(t, dir, Options{})
			require.Positive(t, l.Stats().TornBytes)
			s := mustGroup(t, l, 1)
			requireRange(t, s, 1, tc.last, 1)
			require.NoError(t, s.StoreLogs(testEntries(1, tc.last+1, 12, 1)))
			require.NoError(t, l.Close())

			l = openTestLog(t, dir, Options{})
			require.Zero(t, l.Stats().TornBytes, "the log was repaired")
			requireRange(t, mustGroup(t, l, 1), 1, 12, 1)
		})
	}
}

// recordLen is the size of the record of testEntry(g, i, 1).
func recordLen(g, i uint64) int {
	b, _ := appendEntryRecord(nil, g, testEntry(g, i, 1))
	return len(b)
}

func TestOpenRefusesDamageBeforeTheTail(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, dir string)
	}{
		{"record in an older segment", func(t *testing.T, dir string) { flipByte(t, filepath.Join(dir, segmentName(1)), segmentHeader+20) }},
		{"segment header", func(t *testing.T, dir string) { flipByte(t, filepath.Join(dir, segmentName(2)), 3) }},
		{"older segment cut short", func(t *testing.T, dir string) { cutFile(t, filepath.Join(dir, segmentName(1)), 7) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			l := openTestLog(t, dir, Options{SegmentSize: MinSegmentSize})
			fillSegments(t, mustGroup(t, l, 1), 10)
			require.NoError(t, l.Close())
			tc.damage(t, dir)
			_, err := Open(dir, Options{SegmentSize: MinSegmentSize})
			require.ErrorIs(t, err, ErrCorrupt)
		})
	}
}

func TestOpenRefusesContradictoryRecords(t *testing.T) {
	dir := t.TempDir()
	b := appendSegmentHeader(nil, 1)
	b, _ = appendEntryRecord(b, 1, testEntry(1, 1, 1))
	b, _ = appendEntryRecord(b, 1, testEntry(1, 3, 1)) // a gap after 1
	require.NoError(t, os.WriteFile(filepath.Join(dir, segmentName(1)), b, 0o640))
	_, err := Open(dir, Options{})
	require.ErrorIs(t, err, ErrCorrupt)
}

func TestOpenRemovesAnInterruptedRotation(t *testing.T) {
	dir := t.TempDir()
	writeTen(t, dir)
	tmp := filepath.Join(dir, segmentName(2)+tempSuffix)
	require.NoError(t, os.WriteFile(tmp, []byte("half a segment"), 0o640))
	l := openTestLog(t, dir, Options{})
	requireRange(t, mustGroup(t, l, 1), 1, 10, 1)
	require.NoFileExists(t, tmp)
}

func flipByte(t *testing.T, path string, off int) {
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	b[off] ^= 0x01
	require.NoError(t, os.WriteFile(path, b, 0o640))
}

func cutFile(t *testing.T, path string, n int64) {
	info, err := os.Stat(path)
	require.NoError(t, err)
	require.NoError(t, os.Truncate(path, info.Size()-n))
}
