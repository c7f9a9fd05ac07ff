package part

import (
	"encoding/binary"
	"fmt"
)

// Kinds of partitioner, as stored in Map.Partitioner and PlanConfig.
const (
	KindHash  = "hash"
	KindRange = "range"
)

// Partitioner maps a key to its position in the position space. Positions
// compare bytewise; a partition holds the keys whose positions fall in its
// Range. Implementations are stateless and safe for concurrent use.
type Partitioner interface {
	// Kind names the partitioner: KindHash or KindRange.
	Kind() string
	// Position returns the key's position; the same key always gets the
	// same position. The caller owns the returned slice.
	Position(key string) []byte
}

// HashPartitioner places a key at the 8-byte big-endian encoding of
// Hash64(HashKey(key)), spreading keys evenly over the space.
type HashPartitioner struct{}

// Kind returns KindHash.
func (HashPartitioner) Kind() string { return KindHash }

// Position returns the 8 bytes, big-endian, of Hash64(HashKey(key)).
func (HashPartitioner) Position(key string) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 8), Hash64(HashKey(key)))
}

// RangePartitioner places a key at itself, so positions keep key order.
type RangePartitioner struct{}

// Kind returns KindRange.
func (RangePartitioner) Kind() string { return KindRange }

// Position returns the bytes of key.
func (RangePartitioner) Position(key string) []byte { return []byte(key) }

// NewPartitioner returns the partitioner of the given kind; "" means
// KindHash. An unknown kind is an error naming it.
func NewPartitioner(kind string) (Partitioner, error) {
	switch kind {
	case "", KindHash:
		return HashPartitioner{}, nil
	case KindRange:
		return RangePartitioner{}, nil
	}
	return nil, fmt.Errorf("unknown partitioner %q: want %q or %q", kind, KindHash, KindRange)
}
