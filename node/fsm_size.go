package node

// Bytes returns the sum of the sizes of the keys and values stored, as of
// the last apply or restore. It is O(1): Apply and Restore keep the count.
func (f *FSM) Bytes() int64 {
	return f.size.Load()
}
