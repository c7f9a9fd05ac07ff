package node

import (
	"encoding/binary"
	"unsafe"

	"github.com/google/btree"
)

// item is how the tree stores one key: a compact form of Entry taking one
// allocation per key and 24 bytes in the tree's nodes, where an Entry takes
// two allocations and 64 bytes. kv holds, in this order,
//
//	the key (keyLen bytes)
//	CreateRevision, ModRevision and Version as uvarints
//	the value (the rest)
//
// kv is immutable like every string: a new write of the key makes a new item.
// A probe for a lookup is an item holding the key alone (see probe).
type item struct {
	kv     string
	keyLen int
}

// newItem returns the item storing key, value and revisions, copied into a
// single allocation.
func newItem[K string | []byte](key K, value []byte, create, mod, version uint64) item {
	n := len(key) + uvarintLen(create) + uvarintLen(mod) + uvarintLen(version) + len(value)
	b := make([]byte, 0, n)
	b = append(b, key...)
	b = binary.AppendUvarint(b, create)
	b = binary.AppendUvarint(b, mod)
	b = binary.AppendUvarint(b, version)
	b = append(b, value...)
	// b is never written again: its bytes may become the string's.
	return item{kv: unsafe.String(unsafe.SliceData(b), len(b)), keyLen: len(key)}
}

// itemOf returns the item storing e.
func itemOf(e *Entry) item {
	return newItem(e.Key, e.Value, e.CreateRevision, e.ModRevision, e.Version)
}

// probe returns the item that finds key in the tree. It is only compared,
// never stored nor read as an entry.
func probe(key string) item { return item{kv: key, keyLen: len(key)} }

// key returns the item's key, which shares the item's memory.
func (it item) key() string { return it.kv[:it.keyLen] }

// entry returns the entry the item stores. Its Key and Value share the
// item's memory: Value is a read-only view (its capacity is its length, so
// appending to it copies), nil when the value is empty.
func (it item) entry() Entry {
	e := Entry{Key: it.key()}
	rest := it.kv[it.keyLen:]
	e.CreateRevision, rest = stringUvarint(rest)
	e.ModRevision, rest = stringUvarint(rest)
	e.Version, rest = stringUvarint(rest)
	e.Value = readOnlyBytes(rest)
	return e
}

// size is what the item counts toward Bytes: its key and its value.
func (it item) size() int64 {
	rest := it.kv[it.keyLen:]
	for range 3 {
		_, rest = stringUvarint(rest)
	}
	return int64(it.keyLen + len(rest))
}

// lessItem orders items by key, in byte order.
func lessItem(a, b item) bool { return a.kv[:a.keyLen] < b.kv[:b.keyLen] }

func newTree() *btree.BTreeG[item] { return btree.NewG(treeDegree, lessItem) }

// readOnlyBytes returns s's bytes without copying them, nil when s is
// empty. The caller must never write to them: they are a string's.
func readOnlyBytes(s string) []byte {
	if s == "" {
		return nil
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// stringUvarint decodes the uvarint that starts s, written by newItem, and
// returns it with the rest of s.
func stringUvarint(s string) (uint64, string) {
	var v uint64
	for i := 0; i < len(s); i++ {
		b := s[i]
		v |= uint64(b&0x7f) << (7 * i)
		if b < 0x80 {
			return v, s[i+1:]
		}
	}
	panic("corrupt tree item: truncated revision") // newItem wrote it whole
}

// uvarintLen returns the length of v encoded as a uvarint.
func uvarintLen(v uint64) int {
	n := 1
	for ; v >= 0x80; v >>= 7 {
		n++
	}
	return n
}
