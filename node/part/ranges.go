package part

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
)

// MaxHashPartitions is the largest number of ranges HashRanges will make.
const MaxHashPartitions = 65536

// Range is the half-open interval [Start, End) of the position space. An
// empty Start means from the beginning; an empty End means unbounded above.
type Range struct {
	Start []byte `json:"start"`
	End   []byte `json:"end"`
}

// Contains reports whether pos lies in [Start, End).
func (r Range) Contains(pos []byte) bool {
	return bytes.Compare(pos, r.Start) >= 0 && (len(r.End) == 0 || bytes.Compare(pos, r.End) < 0)
}

// Overlaps reports whether r and [start, end) share at least one position;
// an empty end means unbounded above. An empty interval overlaps nothing.
func (r Range) Overlaps(start, end []byte) bool {
	lo := r.Start
	if bytes.Compare(start, lo) > 0 {
		lo = start
	}
	hi := r.End
	if len(hi) == 0 || (len(end) != 0 && bytes.Compare(end, hi) < 0) {
		hi = end
	}
	return len(hi) == 0 || bytes.Compare(lo, hi) < 0
}

// HashRanges splits the 8-byte hash space into p ranges whose widths differ
// by at most one position. They are in order, contiguous and cover the whole
// space: the first Start and the last End are empty, every other bound is 8
// bytes. p must be in 1..MaxHashPartitions.
func HashRanges(p int) ([]Range, error) {
	if p < 1 || p > MaxHashPartitions {
		return nil, fmt.Errorf("hash partitions must be in 1..%d, got %d", MaxHashPartitions, p)
	}
	ranges := make([]Range, p)
	for i := 1; i < p; i++ {
		// floor(i * 2^64 / p); i < p keeps the quotient within 64 bits.
		b, _ := bits.Div64(uint64(i), 0, uint64(p))
		ranges[i-1].End = binary.BigEndian.AppendUint64(nil, b)
		ranges[i].Start = binary.BigEndian.AppendUint64(nil, b)
	}
	return ranges, nil
}

// SplitRanges returns the len(splitKeys)+1 ranges of the key space split at
// each key: [beginning, k0), [k0, k1), ..., [kn, unbounded). The keys must be
// non-empty and strictly increasing; no keys give one range covering all.
func SplitRanges(splitKeys []string) ([]Range, error) {
	ranges := make([]Range, len(splitKeys)+1)
	for i, k := range splitKeys {
		if k == "" {
			return nil, fmt.Errorf("split key %d is empty", i)
		}
		if i > 0 && k <= splitKeys[i-1] {
			return nil, fmt.Errorf("split keys must be strictly increasing: key %d %q is not above key %d %q",
				i, k, i-1, splitKeys[i-1])
		}
		ranges[i].End = []byte(k)
		ranges[i+1].Start = []byte(k)
	}
	return ranges, nil
}
