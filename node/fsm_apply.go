package node

import (
	"bytes"
	"cmp"

	"github.com/hashicorp/raft"
)

// Apply applies one committed log entry and returns an *ApplyResponse (a
// []*ApplyResponse, one per command in order, for an entry that carries a
// group of commands); it never panics on bad input. A command that cannot be
// decoded, or that reuses an idempotency key for different content, is
// answered with Err and changes nothing. A command whose idempotency key was
// applied before (and has not expired) answers with the first Result without
// applying again. Otherwise the compares choose a branch whose ops apply in
// order, and every key written gets the log index as its mod revision, shared
// by the commands of a group. An empty command, or an entry of another type
// than raft.LogCommand, changes nothing. In every case the applied index
// advances to l.Index and WaitApplied waiters wake.
func (f *FSM) Apply(l *raft.Log) any {
	e := decodeEntry(l) // outside the lock: readers go on
	f.mu.Lock()
	resp := f.applyEntry(l.Index, &e)
	f.mu.Unlock()
	f.notify.broadcast()
	return resp
}

// entryContent is what a log entry carries, decoded: one command, or a group
// of them with an error for each that could not be decoded.
type entryContent struct {
	cmd       *Command
	err       error
	group     []*Command
	groupErrs []error
}

// decodeEntry decodes the command or group of commands a log entry carries:
// nothing for an entry of another type than raft.LogCommand.
func decodeEntry(l *raft.Log) entryContent {
	if l.Type != raft.LogCommand {
		return entryContent{}
	}
	if len(l.Data) == 0 || l.Data[0] != groupFormat {
		cmd, err := DecodeCommand(l.Data)
		return entryContent{cmd: cmd, err: err}
	}
	parts, err := decodeGroup(l.Data)
	if err != nil {
		return entryContent{err: err}
	}
	e := entryContent{group: make([]*Command, len(parts)), groupErrs: make([]error, len(parts))}
	for i, b := range parts {
		e.group[i], e.groupErrs[i] = DecodeCommand(b)
	}
	return e
}

// applyEntry applies the decoded content of the entry at index and advances
// the applied index. The caller holds the write lock.
func (f *FSM) applyEntry(index uint64, e *entryContent) any {
	var resp any
	if e.group != nil {
		resps := make([]*ApplyResponse, len(e.group))
		for i, cmd := range e.group {
			resps[i] = f.applyDecoded(index, cmd, e.groupErrs[i])
		}
		resp = resps
	} else {
		resp = f.applyDecoded(index, e.cmd, e.err)
	}
	f.applied.Store(index)
	return resp
}

// applyDecoded applies one decoded command (or answers its decoding error).
func (f *FSM) applyDecoded(index uint64, cmd *Command, err error) *ApplyResponse {
	if cmd == nil {
		return &ApplyResponse{Err: err}
	}
	return f.applyCommand(index, cmd)
}

// StoreConfiguration records that the configuration entry at index was
// applied; the state machine keeps nothing else of it.
func (f *FSM) StoreConfiguration(index uint64, _ raft.Configuration) {
	f.mu.Lock()
	f.applied.Store(index)
	f.mu.Unlock()
	f.notify.broadcast()
}

// applyCommand applies cmd at index, honouring its idempotency key. The
// caller holds the write lock.
func (f *FSM) applyCommand(index uint64, cmd *Command) *ApplyResponse {
	f.dedup.expire(index)
	if cmd.IdempotencyKey == "" || brokenDedup() {
		return &ApplyResponse{Result: f.execute(index, cmd)}
	}
	var hash uint64
	hash, f.scratch = commandHash(f.scratch, cmd)
	if slot, ok := f.dedup.lookup(cmd.IdempotencyKey); ok {
		if slot.hash != hash {
			return &ApplyResponse{Err: Errorf(ErrBadRequest,
				"idempotency key %q reused for a different request", cmd.IdempotencyKey)}
		}
		return f.replay(slot)
	}
	res := f.execute(index, cmd)
	f.dedup.insert(cmd.IdempotencyKey, index, hash, &res)
	return &ApplyResponse{Result: res}
}

// replay answers what the first application of slot's command answered.
func (f *FSM) replay(slot *dedupSlot) *ApplyResponse {
	res, err := f.dedup.result(slot)
	if err != nil {
		return &ApplyResponse{Err: Errorf(ErrInternal, "idempotency record: %v", err)}
	}
	return &ApplyResponse{Result: res}
}

// execute evaluates cmd's compares and applies the branch they choose.
func (f *FSM) execute(index uint64, cmd *Command) Result {
	ok := true
	for i := range cmd.Compares {
		ok = ok && f.holds(&cmd.Compares[i])
	}
	ops := cmd.Success
	if !ok {
		ops = cmd.Failure
	}
	res := Result{Revision: index, Succeeded: ok}
	if len(ops) > 0 {
		res.Results = make([]OpResult, len(ops))
	}
	for i := range ops {
		res.Results[i] = f.applyOp(index, &ops[i])
	}
	return res
}

// holds reports whether compare c holds against the current state. An absent
// key has revisions and version 0 and a nil value.
func (f *FSM) holds(c *Compare) bool {
	e, _ := f.get(c.Key)
	var r int
	switch c.Target {
	case TargetMod:
		r = cmp.Compare(e.ModRevision, c.Number)
	case TargetCreate:
		r = cmp.Compare(e.CreateRevision, c.Number)
	case TargetVersion:
		r = cmp.Compare(e.Version, c.Number)
	case TargetValue:
		r = bytes.Compare(e.Value, c.Value)
	default:
		return false
	}
	return relationHolds(c.Op, r)
}

// relationHolds reports whether op holds for a comparison result r
// (negative: less, zero: equal, positive: greater).
func relationHolds(op CompareOp, r int) bool {
	switch op {
	case CmpEqual:
		return r == 0
	case CmpNotEqual:
		return r != 0
	case CmpLess:
		return r < 0
	case CmpGreater:
		return r > 0
	}
	return false
}

// applyOp applies one op at index. A put answers Found true; a get or delete
// of an absent key answers Found false and a zero Entry.
func (f *FSM) applyOp(index uint64, op *Op) OpResult {
	res := OpResult{Kind: op.Kind, Key: op.Key}
	switch op.Kind {
	case OpGet:
		res.Entry, res.Found = f.get(op.Key)
	case OpPut:
		res.Entry, res.Found = f.put(index, op.Key, op.Value), true
	case OpDelete:
		res.Entry, res.Found = f.delete(op.Key)
	}
	return res
}

// get returns the entry stored under key. The caller holds the lock.
func (f *FSM) get(key string) (Entry, bool) {
	it, ok := f.tree.Get(probe(key))
	if !ok {
		return Entry{}, false
	}
	return it.entry(), true
}

// put stores value under key at index and returns the entry written, without
// its value. The entry's key is the caller's, so that keeping the answer
// does not keep the stored item alive.
func (f *FSM) put(index uint64, key string, value []byte) Entry {
	e := Entry{Key: key, CreateRevision: index, ModRevision: index, Version: 1}
	if old, ok := f.get(key); ok {
		e.CreateRevision, e.Version = old.CreateRevision, old.Version+1
	}
	old, replaced := f.tree.ReplaceOrInsert(newItem(key, value, e.CreateRevision, index, e.Version))
	f.size.Add(int64(len(key) + len(value)))
	if replaced {
		f.size.Add(-old.size())
	}
	return e
}

// delete removes key and returns the entry it had, without its value, and
// whether it existed. Like put's, the entry's key is the caller's.
func (f *FSM) delete(key string) (Entry, bool) {
	old, ok := f.tree.Delete(probe(key))
	if !ok {
		return Entry{}, false
	}
	f.size.Add(-old.size())
	e := old.entry()
	e.Key, e.Value = key, nil
	return e, true
}
