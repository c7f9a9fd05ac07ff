package raftlog

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/raft"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/node/internal/unixtime"
)

// reencode encodes rec again, as the writer would have.
func reencode(t *testing.T, rec record) []byte {
	var b []byte
	var err error
	switch rec.kind {
	case kindEntry:
		b, err = appendEntryRecord(nil, rec.group, &rec.entry)
	case kindDelete:
		b = appendDeleteRecord(nil, rec.group, rec.min, rec.max)
	case kindStable:
		b, err = appendStableRecord(nil, rec.group, rec.key, rec.value)
	case kindDrop:
		b = appendDropRecord(nil, rec.group)
	}
	require.NoError(t, err)
	return b
}

func seedRecords() [][]byte {
	entry, _ := appendEntryRecord(nil, 3, testEntry(3, 42, 7))
	stable, _ := appendStableRecord(nil, 9, []byte("CurrentTerm"), []byte{0, 0, 0, 0, 0, 0, 0, 5})
	return [][]byte{
		entry, stable,
		appendDeleteRecord(nil, 1, 1, 100),
		appendDropRecord(nil, 2),
		{}, {1, 2, 3}, make([]byte, 64),
	}
}

// FuzzDecodeRecord checks that any bytes decode without panicking, and
// that whatever decodes encodes back to the same bytes.
func FuzzDecodeRecord(f *testing.F) {
	for _, seed := range seedRecords() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rec, n, err := decodeRecord(b)
		if err != nil {
			require.True(t, isDecodeError(err), "unexpected error kind: %v", err)
			return
		}
		require.Equal(t, b[:n], reencode(t, rec))
	})
}

// FuzzEntryRoundTrip checks that every entry decodes to what was encoded.
func FuzzEntryRoundTrip(f *testing.F) {
	f.Add(uint64(1), uint64(1), uint64(1), uint8(0), []byte("data"), []byte(nil), int64(0))
	f.Add(uint64(1<<63), uint64(0), uint64(1<<40), uint8(5), []byte(nil), []byte("ext"), int64(-1))
	f.Fuzz(func(t *testing.T, group, index, term uint64, typ uint8, data, ext []byte, at int64) {
		want := &raft.Log{Index: index, Term: term, Type: raft.LogType(typ), Data: nilIfEmpty(data), Extensions: nilIfEmpty(ext), AppendedAt: unixtime.Decode(at)}
		b, err := appendEntryRecord(nil, group, want)
		require.NoError(t, err)
		rec, n, err := decodeRecord(b)
		require.NoError(t, err)
		require.Equal(t, len(b), n)
		require.Equal(t, kindEntry, rec.kind)
		require.Equal(t, group, rec.group)
		requireSameLog(t, want, &rec.entry)
	})
}

// recoverBase is a segment holding entries 1..10 of group 1, and the
// offset where entry 10's record starts.
func recoverBase() ([]byte, int) {
	b := appendSegmentHeader(nil, 1)
	for i := uint64(1); i <= 9; i++ {
		b, _ = appendEntryRecord(b, 1, testEntry(1, i, 1))
	}
	last := len(b)
	b, _ = appendEntryRecord(b, 1, testEntry(1, 10, 1))
	return b, last
}

// FuzzRecoverTail damages the tail of a log (random bytes appended, one
// byte of the last record flipped) and checks that Open never panics,
// keeps every record before the damage, and serves only intact entries.
func FuzzRecoverTail(f *testing.F) {
	f.Add([]byte(nil), uint16(0), byte(0))
	f.Add([]byte{0, 0, 0, 0}, uint16(3), byte(0x80))
	f.Add(bytes.Repeat([]byte{0xff}, 40), uint16(60), byte(1))
	f.Add(appendDropRecord(nil, 1), uint16(0), byte(0))
	f.Fuzz(func(t *testing.T, tail []byte, flipAt uint16, flip byte) {
		base, lastRecord := recoverBase()
		seg := append(base, tail...)
		at := lastRecord + int(flipAt)%(len(base)-lastRecord)
		seg[at] ^= flip
		dir := t.TempDir()
		path := filepath.Join(dir, segmentName(1))
		require.NoError(t, os.WriteFile(path, seg, 0o640))
		l, err := Open(dir, Options{})
		if err != nil {
			require.True(t, errors.Is(err, ErrCorrupt), "only a tail that decodes and contradicts the log may fail: %v", err)
			return
		}
		defer l.Close()
		info, err := os.Stat(path)
		require.NoError(t, err)
		require.Equal(t, int64(len(seg))-info.Size(), l.Stats().TornBytes)
		s := mustGroup(t, l, 1)
		requireReadable(t, s)
		if info.Size() <= int64(len(base)) { // no record of the tail was kept
			requireRange(t, s, 1, 10-uint64(min(flip, 1)), 1)
		}
	})
}

// requireReadable asserts that every entry s holds reads back intact.
func requireReadable(t *testing.T, s *GroupStore) {
	first, err := s.FirstIndex()
	require.NoError(t, err)
	last, err := s.LastIndex()
	require.NoError(t, err)
	for i := first; i <= last && first > 0; i++ {
		var got raft.Log
		require.NoError(t, s.GetLog(i, &got), "index %d", i)
	}
}
