package raftlog

import (
	"testing"

	"github.com/hashicorp/raft"
	"github.com/stretchr/testify/require"
)

// The tests below mirror raft-boltdb's bolt_store_test.go, the reference
// behaviour of a raft.LogStore and raft.StableStore.

func TestEmptyGroupHasNoIndexes(t *testing.T) {
	s := testGroup(t)
	requireRange(t, s, 0, 0, 0)
	require.ErrorIs(t, s.GetLog(1, new(raft.Log)), raft.ErrLogNotFound)
}

func TestFirstAndLastIndexFollowStoredEntries(t *testing.T) {
	s := testGroup(t)
	require.NoError(t, s.StoreLogs(testEntries(1, 1, 3, 1)))
	requireRange(t, s, 1, 3, 1)
}

func TestStoreLogThenGetLogRoundTrips(t *testing.T) {
	tests := []struct {
		name string
		log  *raft.Log
	}{
		{"command", testEntry(1, 1, 1)},
		{"no data", &raft.Log{Index: 1, Term: 2, Type: raft.LogNoop}},
		{"configuration", &raft.Log{Index: 1, Term: 3, Type: raft.LogConfiguration, Data: []byte{1, 2, 3}}},
		{"extensions only", &raft.Log{Index: 1, Term: 1, Extensions: []byte("x")}},
		{"large data", &raft.Log{Index: 1, Term: 1, Data: make([]byte, 1<<20)}},
		{"high index", &raft.Log{Index: 1 << 62, Term: 1 << 40, Data: []byte("d")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := testGroup(t)
			require.NoError(t, s.StoreLog(tc.log))
			var got raft.Log
			require.NoError(t, s.GetLog(tc.log.Index, &got))
			requireSameLog(t, tc.log, &got)
		})
	}
}

func TestStoreLogs(t *testing.T) {
	tests := []struct {
		name        string
		stored      []*raft.Log // before the call under test
		call        []*raft.Log
		wantErr     error
		first, last uint64
	}{
		{"first entries", nil, testEntries(1, 1, 2, 2), nil, 1, 2},
		{"empty group starts anywhere", nil, testEntries(1, 100, 101, 2), nil, 100, 101},
		{"continues the group", testEntries(1, 1, 3, 1), testEntries(1, 4, 5, 1), nil, 1, 5},
		{"replaces a suffix", testEntries(1, 1, 5, 1), testEntries(1, 3, 4, 2), nil, 1, 4},
		{"replaces everything", testEntries(1, 1, 5, 1), testEntries(1, 1, 2, 2), nil, 1, 2},
		{"refuses a gap", testEntries(1, 1, 3, 1), testEntries(1, 5, 6, 1), ErrNotContiguous, 1, 3},
		{"refuses below first", testEntries(1, 10, 12, 1), testEntries(1, 8, 9, 1), ErrNotContiguous, 10, 12},
		{"refuses a gap inside the call", nil, []*raft.Log{testEntry(1, 1, 1), testEntry(1, 3, 1)}, ErrNotContiguous, 0, 0},
		{"refuses index 0", nil, []*raft.Log{{Index: 0, Term: 1}}, ErrNotContiguous, 0, 0},
		{"empty call does nothing", testEntries(1, 1, 2, 1), nil, nil, 1, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := testGroup(t)
			require.NoError(t, s.StoreLogs(tc.stored))
			err := s.StoreLogs(tc.call)
			require.ErrorIs(t, err, tc.wantErr)
			requireIndexes(t, s, tc.first, tc.last)
			if err == nil && len(tc.call) > 0 {
				for _, l := range tc.call {
					requireEntry(t, s, l)
				}
			}
		})
	}
}

func TestDeleteRange(t *testing.T) {
	tests := []struct {
		name        string
		min, max    uint64
		wantErr     error
		first, last uint64
	}{
		{"head", 1, 4, nil, 5, 10},
		{"head from below first", 0, 2, nil, 3, 10},
		{"tail", 7, 10, nil, 1, 6},
		{"tail past last", 8, 100, nil, 1, 7},
		{"everything", 1, 10, nil, 0, 0},
		{"more than everything", 0, 1 << 40, nil, 0, 0},
		{"beyond last does nothing", 11, 20, nil, 1, 10},
		{"reversed range does nothing", 5, 4, nil, 1, 10},
		{"refuses the middle", 4, 6, ErrNotContiguous, 1, 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := testGroup(t)
			require.NoError(t, s.StoreLogs(testEntries(1, 1, 10, 1)))
			require.ErrorIs(t, s.DeleteRange(tc.min, tc.max), tc.wantErr)
			requireRange(t, s, tc.first, tc.last, 1)
		})
	}
}

func TestDeleteSuffixThenAppendReplacesConflictingEntries(t *testing.T) {
	s := testGroup(t)
	require.NoError(t, s.StoreLogs(testEntries(1, 1, 10, 1)))
	require.NoError(t, s.DeleteRange(6, 10))
	require.NoError(t, s.StoreLogs(testEntries(1, 6, 8, 2)))
	requireIndexes(t, s, 1, 8)
	requireEntry(t, s, testEntry(1, 5, 1))
	requireEntry(t, s, testEntry(1, 6, 2))
	requireEntry(t, s, testEntry(1, 8, 2))
}

func TestStableStore(t *testing.T) {
	s := testGroup(t)
	_, err := s.Get([]byte("missing"))
	require.ErrorIs(t, err, ErrKeyNotFound)
	require.EqualError(t, err, "not found", "hashicorp/raft matches this text")
	_, err = s.GetUint64([]byte("missing"))
	require.ErrorIs(t, err, ErrKeyNotFound)

	require.NoError(t, s.Set([]byte("hello"), []byte("world")))
	require.NoError(t, s.SetUint64([]byte("CurrentTerm"), 123))
	v, err := s.Get([]byte("hello"))
	require.NoError(t, err)
	require.Equal(t, []byte("world"), v)
	n, err := s.GetUint64([]byte("CurrentTerm"))
	require.NoError(t, err)
	require.Equal(t, uint64(123), n)

	require.NoError(t, s.Set([]byte("hello"), []byte("again")))
	v, err = s.Get([]byte("hello"))
	require.NoError(t, err)
	require.Equal(t, []byte("again"), v)
	_, err = s.GetUint64([]byte("hello"))
	require.Error(t, err, "a 5-byte value is not a uint64")
}

func TestGetReturnsACopy(t *testing.T) {
	s := testGroup(t)
	val := []byte("value")
	require.NoError(t, s.Set([]byte("k"), val))
	val[0] = 'X'
	got, err := s.Get([]byte("k"))
	require.NoError(t, err)
	got[1] = 'Y'
	again, err := s.Get([]byte("k"))
	require.NoError(t, err)
	require.Equal(t, []byte("value"), again)
}

func TestIsMonotonic(t *testing.T) {
	var store any = testGroup(t)
	m, ok := store.(raft.MonotonicLogStore)
	require.True(t, ok)
	require.True(t, m.IsMonotonic())
}

func TestCallsAfterCloseAnswerErrClosed(t *testing.T) {
	l, err := Open(t.TempDir(), Options{})
	require.NoError(t, err)
	s := mustGroup(t, l, 1)
	require.NoError(t, s.StoreLog(testEntry(1, 1, 1)))
	require.NoError(t, l.Close())
	require.NoError(t, l.Close(), "Close is idempotent")

	_, err = l.Group(2)
	require.ErrorIs(t, err, ErrClosed)
	require.ErrorIs(t, s.StoreLog(testEntry(1, 2, 1)), ErrClosed)
	require.ErrorIs(t, s.GetLog(1, new(raft.Log)), ErrClosed)
	require.ErrorIs(t, s.Set([]byte("k"), nil), ErrClosed)
	_, err = s.Get([]byte("k"))
	require.ErrorIs(t, err, ErrClosed)
	_, err = s.LastIndex()
	require.ErrorIs(t, err, ErrClosed)
}

func TestOpenRefusesADirectoryInUse(t *testing.T) {
	dir := t.TempDir()
	openTestLog(t, dir, Options{})
	_, err := Open(dir, Options{})
	require.ErrorIs(t, err, ErrLocked)
}

func TestOptionsValidate(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		wantErr string
	}{
		{"zero value", Options{}, ""},
		{"smallest segment", Options{SegmentSize: MinSegmentSize}, ""},
		{"segment too small", Options{SegmentSize: 100}, "SegmentSize (100) must be 0 (default) or between 4096 and 1073741824 bytes"},
		{"segment too large", Options{SegmentSize: 2 << 30}, "SegmentSize (2147483648) must be 0 (default) or between 4096 and 1073741824 bytes"},
		{"negative batch", Options{MaxBatchSize: -1}, "MaxBatchSize (-1) cannot be negative"},
		{"concurrent syncs", Options{ConcurrentSyncs: 8}, ""},
		{"negative concurrent syncs", Options{ConcurrentSyncs: -1}, "ConcurrentSyncs (-1) must be 0 (default) or between 1 and 64"},
		{"too many concurrent syncs", Options{ConcurrentSyncs: 65}, "ConcurrentSyncs (65) must be 0 (default) or between 1 and 64"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.opts.Validate()
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tc.wantErr)
			_, err = Open(t.TempDir(), tc.opts)
			require.EqualError(t, err, tc.wantErr)
		})
	}
}
