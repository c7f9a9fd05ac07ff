package node

import "github.com/google/btree"

// Bytes returns the sum of the sizes of the keys and values stored, as of
// the last apply or restore. It is O(1): Apply and Restore keep the count.
func (f *FSM) Bytes() int64 {
	return f.size.Load()
}

// entrySize is what one entry counts toward Bytes: its key and its value.
// The zero Entry (an absent key) counts zero.
func entrySize(e Entry) int64 {
	return int64(len(e.Key) + len(e.Value))
}

// treeSize sums entrySize over every entry of t.
func treeSize(t *btree.BTreeG[Entry]) int64 {
	var n int64
	t.Ascend(func(e Entry) bool {
		n += entrySize(e)
		return true
	})
	return n
}
