package node

import (
	"encoding/binary"
	"fmt"

	"github.com/google/btree"
)

// itemChunk is how many items a chunk of a snapshot's entries holds. The
// entries are kept in chunks, which grow without copying and are allocated
// as entries arrive, whatever count a corrupt stream announces. It is even,
// so an item's parity in its chunk is its parity in the whole list.
const itemChunk = 1 << 16

// items reads the tree's entries, which must have non-empty keys in
// strictly increasing order, and returns them in chunks of itemChunk items
// (the last one shorter), with the sum of their sizes.
func (s *snapReader) items() ([][]item, int64) {
	var chunks [][]item
	var size int64
	prev := ""
	for n := s.uvarint(); n > 0 && s.err == nil; n-- {
		it := s.item()
		if s.err == nil && it.key() <= prev {
			s.fail(fmt.Errorf("corrupt snapshot: key %q out of order", it.key()))
		}
		if len(chunks) == 0 || len(chunks[len(chunks)-1]) == itemChunk {
			chunks = append(chunks, make([]item, 0, min(n, itemChunk)))
		}
		chunks[len(chunks)-1] = append(chunks[len(chunks)-1], it)
		prev = it.key()
		size += it.size()
	}
	return chunks, size
}

// item reads one entry of the tree. It parses the entry in place when the
// buffer holds it whole, which takes one allocation: the item's.
func (s *snapReader) item() item {
	if s.err != nil {
		return item{}
	}
	if it, ok := s.parseItem(); ok {
		return it
	}
	if s.fill(len(s.buf)); s.err == nil {
		if it, ok := s.parseItem(); ok {
			return it
		}
	}
	e := s.entry() // larger than the buffer, truncated or corrupt
	return itemOf(&e)
}

func (s *snapReader) parseItem() (item, bool) {
	it, n := parseItem(s.buf[s.r:s.w])
	s.r += n
	return it, n > 0
}

// parseItem decodes the entry (key, value, create, mod, version) at the
// front of b into a new item and returns it with the entry's length, or
// returns a length of 0 when b does not hold a whole, well-formed entry.
func parseItem(b []byte) (item, int) {
	key, n := lengthPrefixed(b)
	value, m := lengthPrefixed(b[n:])
	if n == 0 || m == 0 {
		return item{}, 0
	}
	n += m
	var revs [3]uint64
	for i := range revs {
		v, m := binary.Uvarint(b[n:])
		if m <= 0 {
			return item{}, 0
		}
		revs[i], n = v, n+m
	}
	return newItem(key, value, revs[0], revs[1], revs[2]), n
}

// lengthPrefixed returns the length-prefixed byte string at the front of b
// and the bytes it takes with its length, or a length of 0 when b does not
// hold it whole.
func lengthPrefixed(b []byte) ([]byte, int) {
	l, n := binary.Uvarint(b)
	if n <= 0 || l > uint64(len(b)-n) {
		return nil, 0
	}
	return b[n : n+int(l)], n + int(l)
}

// treeOf returns a tree of the items of chunks, which must be in strictly
// increasing key order and of an even length but the last. Inserting them
// in order would leave every leaf but the last half full, since a full node
// splits in two halves; inserting every other item first, then the rest,
// fills those halves again, so leaves end nearly full.
func treeOf(chunks [][]item) *btree.BTreeG[item] {
	t := newTree()
	for first := range 2 {
		for _, c := range chunks {
			for i := first; i < len(c); i += 2 {
				t.ReplaceOrInsert(c[i])
			}
		}
	}
	return t
}
