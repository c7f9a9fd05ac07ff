package jepsen

import (
	"errors"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHistoryRecordsConcurrently(t *testing.T) {
	h := NewHistory()
	var wg sync.WaitGroup
	for c := range 8 {
		wg.Go(func() {
			for range 50 {
				call := h.Now()
				h.Complete(Op{Client: c, Kind: KindGet, Key: "k"}, call)
			}
		})
	}
	wg.Wait()
	ops := h.Ops()
	require.Len(t, ops, 400)
	for i, op := range ops {
		require.LessOrEqual(t, op.Call, op.Return)
		if i > 0 {
			require.LessOrEqual(t, ops[i-1].Call, op.Call, "sorted by call")
		}
	}
}

func TestHistoryIndeterminateIsOpenEnded(t *testing.T) {
	h := NewHistory()
	call := h.Now()
	h.Indeterminate(Op{Kind: KindPut, Key: "k", Value: "v"}, call, errors.New("indeterminate"))
	ops := h.Ops()
	require.Len(t, ops, 1)
	require.True(t, ops[0].Unknown)
	require.Equal(t, Open, ops[0].Return)
	require.Equal(t, "indeterminate", ops[0].Err)
	known, unknown := Counts(ops)
	require.Equal(t, [2]int{0, 1}, [2]int{known, unknown})
}

func TestHistoryJSONRoundTrip(t *testing.T) {
	ops := []Op{put(0, "x", "a", 1, 2), unknown(cas(1, "x", "a", "b", false, 3, 0)), getAbsent(2, "y", 4, 5)}
	path := filepath.Join(t.TempDir(), "history.json")
	require.NoError(t, WriteHistory(path, ops))
	got, err := ReadHistory(path)
	require.NoError(t, err)
	require.Equal(t, ops, got)
}
