package raftlog

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// history is a sequence of writes on a log and what must hold after them,
// both at once and after the log is closed and opened again.
type history struct {
	name  string
	write func(t *testing.T, l *Log)
	check func(t *testing.T, l *Log)
}

func TestReopenPreservesEverything(t *testing.T) {
	for _, h := range reopenHistories() {
		t.Run(h.name, func(t *testing.T) {
			for _, opts := range []Options{{}, {SegmentSize: MinSegmentSize}} {
				dir := t.TempDir()
				l := openTestLog(t, dir, opts)
				h.write(t, l)
				h.check(t, l)
				require.NoError(t, l.Close())
				h.check(t, openTestLog(t, dir, opts))
			}
		})
	}
}

func reopenHistories() []history {
	return []history{
		{"many groups", writeManyGroups, checkManyGroups},
		{"head truncation", writeHeadTruncation, checkHeadTruncation},
		{"tail truncation and replacement", writeTailReplacement, checkTailReplacement},
		{"everything deleted then a new start", writeRestart, checkRestart},
		{"stable values", writeStable, checkStable},
		{"dropped group", writeDrop, checkDrop},
	}
}

func writeManyGroups(t *testing.T, l *Log) {
	for round := uint64(0); round < 5; round++ {
		for g := uint64(1); g <= 8; g++ {
			s := mustGroup(t, l, g)
			require.NoError(t, s.StoreLogs(testEntries(g, round*20+1, round*20+20, 1)))
		}
	}
}

func checkManyGroups(t *testing.T, l *Log) {
	for g := uint64(1); g <= 8; g++ {
		requireRange(t, mustGroup(t, l, g), 1, 100, 1)
	}
	groups, err := l.Groups()
	require.NoError(t, err)
	require.Equal(t, []uint64{1, 2, 3, 4, 5, 6, 7, 8}, groups)
}

func writeHeadTruncation(t *testing.T, l *Log) {
	s := mustGroup(t, l, 3)
	require.NoError(t, s.StoreLogs(testEntries(3, 1, 100, 1)))
	require.NoError(t, s.DeleteRange(1, 60))
}

func checkHeadTruncation(t *testing.T, l *Log) {
	requireRange(t, mustGroup(t, l, 3), 61, 100, 1)
}

func writeTailReplacement(t *testing.T, l *Log) {
	s := mustGroup(t, l, 4)
	require.NoError(t, s.StoreLogs(testEntries(4, 1, 100, 1)))
	require.NoError(t, s.DeleteRange(50, 100))
	require.NoError(t, s.StoreLogs(testEntries(4, 50, 70, 2)))
	require.NoError(t, s.StoreLogs(testEntries(4, 65, 80, 3))) // overwrite without a delete
}

func checkTailReplacement(t *testing.T, l *Log) {
	s := mustGroup(t, l, 4)
	requireIndexes(t, s, 1, 80)
	for i, term := range map[uint64]uint64{1: 1, 49: 1, 50: 2, 64: 2, 65: 3, 80: 3} {
		requireEntry(t, s, testEntry(4, i, term))
	}
}

func writeRestart(t *testing.T, l *Log) {
	s := mustGroup(t, l, 5)
	require.NoError(t, s.StoreLogs(testEntries(5, 1, 30, 1)))
	require.NoError(t, s.DeleteRange(1, 30))
	require.NoError(t, s.StoreLogs(testEntries(5, 1001, 1010, 4)))
}

func checkRestart(t *testing.T, l *Log) {
	requireRange(t, mustGroup(t, l, 5), 1001, 1010, 4)
}

func writeStable(t *testing.T, l *Log) {
	for g := uint64(1); g <= 3; g++ {
		s := mustGroup(t, l, g)
		require.NoError(t, s.SetUint64([]byte("CurrentTerm"), 1))
		require.NoError(t, s.SetUint64([]byte("CurrentTerm"), g*10))
		require.NoError(t, s.Set([]byte("LastVoteCand"), []byte{byte(g)}))
	}
}

func checkStable(t *testing.T, l *Log) {
	for g := uint64(1); g <= 3; g++ {
		s := mustGroup(t, l, g)
		term, err := s.GetUint64([]byte("CurrentTerm"))
		require.NoError(t, err)
		require.Equal(t, g*10, term)
		cand, err := s.Get([]byte("LastVoteCand"))
		require.NoError(t, err)
		require.Equal(t, []byte{byte(g)}, cand)
	}
}

func writeDrop(t *testing.T, l *Log) {
	for g := uint64(6); g <= 7; g++ {
		s := mustGroup(t, l, g)
		require.NoError(t, s.StoreLogs(testEntries(g, 1, 20, 1)))
		require.NoError(t, s.SetUint64([]byte("CurrentTerm"), 9))
	}
	require.NoError(t, l.DropGroup(6))
}

func checkDrop(t *testing.T, l *Log) {
	dropped := mustGroup(t, l, 6)
	requireRange(t, dropped, 0, 0, 0)
	_, err := dropped.GetUint64([]byte("CurrentTerm"))
	require.ErrorIs(t, err, ErrKeyNotFound)
	requireRange(t, mustGroup(t, l, 7), 1, 20, 1)
	groups, err := l.Groups()
	require.NoError(t, err)
	require.Equal(t, []uint64{7}, groups)
}
