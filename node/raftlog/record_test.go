package raftlog

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRecordsRoundTrip(t *testing.T) {
	entry, err := appendEntryRecord(nil, 3, testEntry(3, 42, 7))
	require.NoError(t, err)
	stable, err := appendStableRecord(nil, 9, []byte("LastVoteCand"), []byte("node-2"))
	require.NoError(t, err)
	tests := []struct {
		name string
		b    []byte
		want record
	}{
		{"entry", entry, record{kind: kindEntry, group: 3, entry: *testEntry(3, 42, 7)}},
		{"delete", appendDeleteRecord(nil, 4, 10, 20), record{kind: kindDelete, group: 4, min: 10, max: 20}},
		{"stable", stable, record{kind: kindStable, group: 9, key: []byte("LastVoteCand"), value: []byte("node-2")}},
		{"drop", appendDropRecord(nil, 5), record{kind: kindDrop, group: 5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, n, err := decodeRecord(append(tc.b, "next record"...))
			require.NoError(t, err)
			require.Equal(t, len(tc.b), n)
			require.Equal(t, tc.want.kind, got.kind)
			require.Equal(t, tc.want.group, got.group)
			requireSameLog(t, &tc.want.entry, &got.entry)
			require.Equal(t, [2]uint64{tc.want.min, tc.want.max}, [2]uint64{got.min, got.max})
			require.Equal(t, tc.want.key, got.key)
			require.Equal(t, tc.want.value, got.value)
		})
	}
}

func TestDecodeRefusesEveryTruncation(t *testing.T) {
	for _, b := range seedRecords()[:4] {
		for n := range len(b) {
			_, _, err := decodeRecord(b[:n])
			require.Error(t, err, "%d of %d bytes", n, len(b))
		}
	}
}

func TestDecodeRefusesEveryFlippedBit(t *testing.T) {
	for _, b := range seedRecords()[:4] {
		for i := range len(b) * 8 {
			damaged := append([]byte(nil), b...)
			damaged[i/8] ^= 1 << (i % 8)
			_, _, err := decodeRecord(damaged)
			require.Error(t, err, "bit %d of %d bytes", i, len(b))
			require.True(t, isDecodeError(err))
		}
	}
}

func TestEntrySizeLimit(t *testing.T) {
	tests := []struct {
		size    int
		wantErr error
	}{
		{0, nil},
		{1 << 20, nil},
		{maxEntrySum, nil},
		{maxEntrySum + 1, ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.size), func(t *testing.T) {
			require.ErrorIs(t, checkEntrySize(tc.size), tc.wantErr)
		})
	}
}
