package node

import "github.com/hashicorp/raft"

var _ raft.BatchingFSM = (*FSM)(nil)

// ApplyBatch applies committed log entries in order, as Apply would one by
// one, under a single hold of the write lock: Raft hands over every entry
// committed since the last call, so a burst of writes costs one lock and one
// wake-up of WaitApplied's waiters. It answers one value per entry: an
// *ApplyResponse for a command entry (a []*ApplyResponse for a group), nil for a configuration entry (whose
// index it records, as StoreConfiguration does).
func (f *FSM) ApplyBatch(logs []*raft.Log) []any {
	entries := make([]entryContent, len(logs))
	for i, l := range logs {
		entries[i] = decodeEntry(l) // outside the lock: readers go on
	}
	resps := make([]any, len(logs))
	f.mu.Lock()
	for i, l := range logs {
		if l.Type == raft.LogConfiguration {
			f.applied.Store(l.Index)
			continue
		}
		resps[i] = f.applyEntry(l.Index, &entries[i])
	}
	f.mu.Unlock()
	f.notify.broadcast()
	return resps
}
