package node

import "encoding/binary"

// dedupView is the records of a table as of one moment, for a snapshot.
type dedupView struct {
	slots []dedupSlot // oldest first
	arena dedupArena
}

// len returns the number of records.
func (v *dedupView) len() int { return len(v.slots) }

// appendRecord appends record i as a snapshot stream holds it: key, index,
// hash (8 bytes, little-endian), result.
func (v *dedupView) appendRecord(dst []byte, i int) []byte {
	s := &v.slots[i]
	dst = appendBytes(dst, v.arena.bytes(s.chunk, s.off, s.keyEnd))
	dst = binary.AppendUvarint(dst, s.index)
	dst = binary.LittleEndian.AppendUint64(dst, s.hash)
	return append(dst, v.arena.bytes(s.chunk, s.keyEnd, s.end)...)
}
