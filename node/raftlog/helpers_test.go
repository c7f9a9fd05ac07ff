package raftlog

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/raft"
	"github.com/stretchr/testify/require"
)

// openTestLog opens a log in dir and closes it when the test ends.
func openTestLog(t testing.TB, dir string, opts Options) *Log {
	t.Helper()
	l, err := Open(dir, opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	return l
}

// testGroup opens a fresh log and returns the store of group 1.
func testGroup(t testing.TB) *GroupStore {
	t.Helper()
	return mustGroup(t, openTestLog(t, t.TempDir(), Options{}), 1)
}

func mustGroup(t testing.TB, l *Log, id uint64) *GroupStore {
	t.Helper()
	g, err := l.Group(id)
	require.NoError(t, err)
	return g
}

// testEntry is the entry every test stores at index i of group g in term
// term; its data names all three, so a misplaced read shows.
func testEntry(g, i, term uint64) *raft.Log {
	return &raft.Log{
		Index: i, Term: term, Type: raft.LogCommand,
		Data:       fmt.Appendf(nil, "g%d-i%d-t%d", g, i, term),
		Extensions: fmt.Appendf(nil, "ext%d", i),
		AppendedAt: time.Unix(1700000000, int64(i)),
	}
}

func testEntries(g, from, to, term uint64) []*raft.Log {
	var logs []*raft.Log
	for i := from; i <= to; i++ {
		logs = append(logs, testEntry(g, i, term))
	}
	return logs
}

// requireEntry asserts that s holds want at want.Index.
func requireEntry(t testing.TB, s *GroupStore, want *raft.Log) {
	t.Helper()
	var got raft.Log
	require.NoError(t, s.GetLog(want.Index, &got))
	requireSameLog(t, want, &got)
}

func requireSameLog(t testing.TB, want, got *raft.Log) {
	t.Helper()
	require.Equal(t, want.Index, got.Index)
	require.Equal(t, want.Term, got.Term)
	require.Equal(t, want.Type, got.Type)
	require.Equal(t, want.Data, got.Data)
	require.Equal(t, want.Extensions, got.Extensions)
	require.True(t, want.AppendedAt.Equal(got.AppendedAt), "appended at %v, want %v", got.AppendedAt, want.AppendedAt)
}

// requireRange asserts that s holds exactly the entries [first, last] of
// group g in term term (first == 0 meaning none).
func requireRange(t testing.TB, s *GroupStore, first, last, term uint64) {
	t.Helper()
	requireIndexes(t, s, first, last)
	if first == 0 {
		return
	}
	for i := first; i <= last; i++ {
		requireEntry(t, s, testEntry(s.ID(), i, term))
	}
	require.ErrorIs(t, s.GetLog(first-1, new(raft.Log)), raft.ErrLogNotFound)
	require.ErrorIs(t, s.GetLog(last+1, new(raft.Log)), raft.ErrLogNotFound)
}

// requireIndexes asserts the first and last index of s.
func requireIndexes(t testing.TB, s *GroupStore, first, last uint64) {
	t.Helper()
	gotFirst, err := s.FirstIndex()
	require.NoError(t, err)
	gotLast, err := s.LastIndex()
	require.NoError(t, err)
	require.Equal(t, [2]uint64{first, last}, [2]uint64{gotFirst, gotLast}, "first and last index")
}
