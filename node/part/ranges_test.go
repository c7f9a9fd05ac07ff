package part

import (
	"encoding/binary"
	"math"
	"math/bits"
	"testing"

	"github.com/stretchr/testify/require"
)

func b(s string) []byte {
	if s == "" {
		return nil
	}
	return []byte(s)
}

func TestRangeContains(t *testing.T) {
	tests := []struct {
		name            string
		start, end, pos string
		want            bool
	}{
		{"inside", "b", "d", "c", true},
		{"at start", "b", "d", "b", true},
		{"at end", "b", "d", "d", false},
		{"below", "b", "d", "a", false},
		{"prefix of start is below", "bb", "d", "b", false},
		{"unbounded above", "b", "", "zzzz", true},
		{"from beginning", "", "d", "", true},
		{"everything", "", "", "anything", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Range{Start: b(tt.start), End: b(tt.end)}
			require.Equal(t, tt.want, r.Contains([]byte(tt.pos)))
		})
	}
}

func TestRangeOverlaps(t *testing.T) {
	tests := []struct {
		name               string
		start, end, qs, qe string
		want               bool
	}{
		{"inside", "b", "f", "c", "d", true},
		{"covers", "b", "f", "a", "z", true},
		{"left edge", "b", "f", "a", "b", false},
		{"right edge", "b", "f", "f", "g", false},
		{"straddles start", "b", "f", "a", "c", true},
		{"straddles end", "b", "f", "e", "g", true},
		{"query unbounded", "b", "f", "e", "", true},
		{"query unbounded past end", "b", "f", "f", "", false},
		{"range unbounded", "b", "", "x", "y", true},
		{"range unbounded, query below", "b", "", "a", "b", false},
		{"both unbounded", "b", "", "z", "", true},
		{"query from beginning", "b", "f", "", "c", true},
		{"empty query", "b", "f", "c", "c", false},
		{"reversed query", "b", "f", "d", "c", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Range{Start: b(tt.start), End: b(tt.end)}
			require.Equal(t, tt.want, r.Overlaps(b(tt.qs), b(tt.qe)))
		})
	}
}

func TestHashRangesCoverEvenly(t *testing.T) {
	for _, p := range []int{1, 2, 3, 7, 8, 1000, MaxHashPartitions} {
		t.Run("", func(t *testing.T) {
			ranges, err := HashRanges(p)
			require.NoError(t, err)
			require.Len(t, ranges, p)
			require.Empty(t, ranges[0].Start)
			require.Empty(t, ranges[p-1].End)
			for i := 1; i < p; i++ {
				require.Equal(t, ranges[i-1].End, ranges[i].Start, "contiguous at %d", i)
				require.Len(t, ranges[i].Start, 8)
			}
			requireEvenWidths(t, ranges)
		})
	}
}

// requireEvenWidths checks that every range spans floor or ceil of 2^64/p.
func requireEvenWidths(t *testing.T, ranges []Range) {
	t.Helper()
	p := uint64(len(ranges))
	if p == 1 {
		return // one range is the whole space, checked by its empty bounds
	}
	lo, rem := bits.Div64(1, 0, p)
	hi := lo
	if rem != 0 {
		hi++
	}
	for i, r := range ranges {
		var start, end uint64 // end 0 stands for 2^64, reached by wrapping
		if i > 0 {
			start = binary.BigEndian.Uint64(r.Start)
		}
		if i < len(ranges)-1 {
			end = binary.BigEndian.Uint64(r.End)
		}
		w := end - start
		require.True(t, w == lo || w == hi, "range %d spans %d, want %d or %d", i, w, lo, hi)
	}
}

func TestHashRangesReject(t *testing.T) {
	for _, p := range []int{0, -1, MaxHashPartitions + 1, math.MaxInt} {
		_, err := HashRanges(p)
		require.ErrorContains(t, err, "hash partitions must be in 1..65536", "p=%d", p)
	}
}

func TestSplitRanges(t *testing.T) {
	ranges, err := SplitRanges([]string{"g", "m", "t"})
	require.NoError(t, err)
	require.Equal(t, []Range{
		{Start: nil, End: b("g")},
		{Start: b("g"), End: b("m")},
		{Start: b("m"), End: b("t")},
		{Start: b("t"), End: nil},
	}, ranges)

	all, err := SplitRanges(nil)
	require.NoError(t, err)
	require.Equal(t, []Range{{}}, all, "no split keys: one range covering everything")
}

func TestSplitRangesReject(t *testing.T) {
	tests := []struct {
		name string
		keys []string
		want string
	}{
		{"empty key", []string{"a", ""}, "split key 1 is empty"},
		{"equal keys", []string{"a", "b", "b"}, `key 2 "b" is not above key 1 "b"`},
		{"decreasing", []string{"m", "g"}, `key 1 "g" is not above key 0 "m"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := SplitRanges(tt.keys)
			require.ErrorContains(t, err, tt.want)
		})
	}
}
