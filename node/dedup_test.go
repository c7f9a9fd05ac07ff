package node

import (
	"bytes"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

func idemPut(idem, key, value string) *Command {
	return &Command{IdempotencyKey: idem, Success: []Op{{Kind: OpPut, Key: key, Value: []byte(value)}}}
}

func TestDedupAppliesOnceAndAnswersAsFirst(t *testing.T) {
	f := NewFSM(FSMConfig{})
	first := applyAt(t, f, 1, idemPut("req", "k", "v"))
	require.NoError(t, first.Err)
	applyAt(t, f, 2, putCmd("other", "x"))

	retry := idemPut("req", "k", "v")
	retry.ProposedAt = 12345 // a retry is proposed later; it is still the same request
	again := applyAt(t, f, 3, retry)
	require.Equal(t, first, again)
	require.Equal(t, uint64(1), again.Result.Revision, "the revision of the first application")
	got, _ := f.Get("k")
	require.Equal(t, entry("k", "v", 1, 1, 1), got, "not applied twice")
	require.Equal(t, uint64(3), f.AppliedIndex())
}

func TestDedupReplayIgnoresLaterState(t *testing.T) {
	f := NewFSM(FSMConfig{})
	applyAt(t, f, 1, putCmd("k", "v"))
	cas := casCmd("k", 1, "mine")
	cas.IdempotencyKey = "cas-1"
	first := applyAt(t, f, 2, cas)
	require.True(t, first.Result.Succeeded)
	applyAt(t, f, 3, putCmd("k", "theirs"))

	again := applyAt(t, f, 4, cas)
	require.Equal(t, first, again, "a retried CAS reports its success, not a conflict")
	got, _ := f.Get("k")
	require.Equal(t, "theirs", string(got.Value))
}

func TestDedupRejectsReusedKeyForDifferentRequest(t *testing.T) {
	f := NewFSM(FSMConfig{})
	first := applyAt(t, f, 1, idemPut("req", "k", "v"))
	cases := map[string]*Command{
		"other value":   idemPut("req", "k", "w"),
		"other key":     idemPut("req", "j", "v"),
		"other op":      {IdempotencyKey: "req", Success: []Op{{Kind: OpDelete, Key: "k"}}},
		"added compare": {IdempotencyKey: "req", Compares: []Compare{{Key: "k", Target: TargetMod, Op: CmpEqual}}, Success: idemPut("", "k", "v").Success},
		"as failure":    {IdempotencyKey: "req", Failure: idemPut("", "k", "v").Success},
	}
	index := uint64(2)
	for name, cmd := range cases {
		t.Run(name, func(t *testing.T) {
			resp := applyAt(t, f, index, cmd)
			index++
			require.ErrorIs(t, resp.Err, ErrBadRequest)
			require.ErrorContains(t, resp.Err, `idempotency key "req" reused`)
			require.Equal(t, Result{}, resp.Result)
			require.Equal(t, []Entry{entry("k", "v", 1, 1, 1)}, f.Scan("", "", 0), "nothing changed")
			require.Equal(t, first, applyAt(t, f, index, idemPut("req", "k", "v")), "the first record stays")
			index++
		})
	}
}

func TestDedupExpiresByWindow(t *testing.T) {
	cases := []struct {
		retryAt uint64
		applied bool
	}{
		{retryAt: 2, applied: false},
		{retryAt: 11, applied: false}, // 1 + window: the last index that remembers
		{retryAt: 12, applied: true},
		{retryAt: 1000, applied: true},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("retry at %d", c.retryAt), func(t *testing.T) {
			f := NewFSM(FSMConfig{DedupWindow: 10})
			applyAt(t, f, 1, idemPut("req", "k", "v"))
			resp := applyAt(t, f, c.retryAt, idemPut("req", "k", "v"))
			require.NoError(t, resp.Err)
			wantRevision := map[bool]uint64{false: 1, true: c.retryAt}[c.applied]
			require.Equal(t, wantRevision, resp.Result.Revision)
			got, _ := f.Get("k")
			require.Equal(t, wantRevision, got.ModRevision)
			require.Equal(t, 1, f.dedup.len(), "an expired record is replaced by the new one")
		})
	}
}

func TestDedupExpiresBeyondMaxEntries(t *testing.T) {
	f := NewFSM(FSMConfig{DedupMaxEntries: 2})
	for i, idem := range []string{"a", "b", "c"} {
		applyAt(t, f, uint64(i+1), idemPut(idem, "k"+idem, "v"))
	}
	require.Equal(t, 2, f.dedup.len())
	steps := []struct {
		idem         string
		wantRevision uint64
	}{
		{"c", 3},
		{"b", 2},
		{"a", 6}, // the oldest was dropped: applied again, which drops "b"
		{"b", 7},
		{"a", 6},
	}
	for i, s := range steps {
		resp := applyAt(t, f, uint64(i+4), idemPut(s.idem, "k"+s.idem, "v"))
		require.Equal(t, s.wantRevision, resp.Result.Revision, "step %d, key %s", i, s.idem)
	}
}

// TestDedupIsDeterministic replays one log into several state machines, one
// of them restored from a snapshot half-way, and expects identical answers.
func TestDedupIsDeterministic(t *testing.T) {
	cfg := FSMConfig{DedupMaxEntries: 5, DedupWindow: 20}
	log := make([]*Command, 200)
	for i := range log {
		log[i] = idemPut(fmt.Sprintf("req%d", (i*7)%13), fmt.Sprintf("k%d", i%3), "v")
	}
	a, b := NewFSM(cfg), NewFSM(cfg)
	var restored *FSM
	for i, cmd := range log {
		index := uint64(i + 1)
		want := applyAt(t, a, index, cmd)
		require.Equal(t, want, applyAt(t, b, index, cmd))
		if restored != nil {
			require.Equal(t, want, applyAt(t, restored, index, cmd))
		}
		if i == 100 {
			restored = NewFSM(cfg)
			require.NoError(t, restored.Restore(persist(t, a)))
		}
	}
	require.Equal(t, stateOf(t, a), stateOf(t, b))
	require.Equal(t, stateOf(t, a), stateOf(t, restored))
}

func TestDedupTableStaysBounded(t *testing.T) {
	table := newDedupTable(FSMConfig{DedupMaxEntries: 100, DedupWindow: 1 << 40})
	big := Result{Results: []OpResult{{Kind: OpGet, Key: "k", Entry: Entry{Value: make([]byte, 3000)}}}}
	for i := range uint64(10000) {
		table.insert(fmt.Sprint(i), i+1, i, &big)
	}
	require.Equal(t, 100, table.len())
	require.Len(t, table.byKey, 100)
	require.LessOrEqual(t, len(table.slots), 2200, "the slots compact")
	require.LessOrEqual(t, len(table.arena.chunks), 100*3100/dedupChunkSize+2, "the arena drops the chunks no record uses")
	table.expire(10000 + 1<<40)
	require.Equal(t, 1, table.len(), "all but the newest expired")
	require.Len(t, table.arena.chunks, 1)
	slot, ok := table.lookup("9999")
	require.True(t, ok)
	require.Equal(t, uint64(10000), slot.index)
	table.expire(10001 + 1<<40)
	require.Zero(t, table.len())
	require.Empty(t, table.arena.chunks, "an empty table keeps no chunk")
	_, ok = table.lookup("9999")
	require.False(t, ok)
}

func TestDedupTableKeepsResultsLargerThanAChunk(t *testing.T) {
	table := newDedupTable(FSMConfig{DedupMaxEntries: 10, DedupWindow: 100})
	small := Result{Revision: 1, Succeeded: true, Results: []OpResult{{Kind: OpPut, Key: "a", Entry: Entry{Key: "a", ModRevision: 1}}}}
	large := Result{Revision: 2, Succeeded: true, Results: []OpResult{{Kind: OpGet, Key: "b", Found: true,
		Entry: Entry{Key: "b", Value: bytes.Repeat([]byte("v"), 3*dedupChunkSize), CreateRevision: 1, ModRevision: 2, Version: 2}}}}
	table.insert("small", 1, 11, &small)
	table.insert("large", 2, 22, &large)
	table.insert("after", 3, 33, &small)
	for key, want := range map[string]Result{"small": small, "large": large, "after": small} {
		slot, ok := table.lookup(key)
		require.True(t, ok, key)
		got, err := table.result(slot)
		require.NoError(t, err)
		require.Equal(t, want, got, key)
	}
}

func TestDedupViewIsUnchangedByLaterRecords(t *testing.T) {
	table := newDedupTable(FSMConfig{DedupMaxEntries: 50, DedupWindow: 1 << 40})
	res := func(i uint64) Result {
		return Result{Revision: i, Succeeded: true, Results: []OpResult{{Kind: OpPut, Key: fmt.Sprint("key", i),
			Entry: Entry{Key: fmt.Sprint("key", i), Value: make([]byte, 2000), ModRevision: i}}}}
	}
	for i := range uint64(50) {
		r := res(i + 1)
		table.insert(fmt.Sprint("req", i+1), i+1, i, &r)
	}
	view := table.view()
	want := recordsOf(t, view)
	done := make(chan struct{})
	go func() { // as applies go on while a snapshot is persisted
		defer close(done)
		for i := range uint64(500) { // replaces every record and drops every chunk the view reads
			r := res(i + 51)
			table.insert(fmt.Sprint("req", i+51), i+51, i, &r)
		}
	}()
	require.Equal(t, want, recordsOf(t, view))
	<-done
	require.Equal(t, want, recordsOf(t, view))
	require.Equal(t, uint64(550), table.slots[len(table.slots)-1].index)
	require.Equal(t, "req1", want[0].key)
	require.Equal(t, res(50), want[49].result)
}

func TestDedupInsertAllocatesNothingPerRecord(t *testing.T) {
	table := newDedupTable(FSMConfig{DedupMaxEntries: 1000, DedupWindow: 1 << 40})
	keys := make([]string, 20000)
	for i := range keys {
		keys[i] = fmt.Sprintf("%032x", i)
	}
	put := Result{Revision: 7, Succeeded: true, Results: []OpResult{{Kind: OpPut, Key: "key", Entry: Entry{Key: "key", ModRevision: 7}}}}
	next := 0
	insert := func() {
		table.insert(keys[next%len(keys)], uint64(next+1), 0, &put)
		next++
	}
	for range 5000 { // the slots, map and chunks reach their steady sizes
		insert()
	}
	allocs := testing.AllocsPerRun(10000, insert)
	require.Less(t, allocs, 0.05, "records live in pointer-free slots and chunks, not in objects of their own")
}

func TestDecodeResultRejectsCorruptBytes(t *testing.T) {
	res := Result{Revision: 9, Succeeded: true, Results: []OpResult{{Kind: OpGet, Key: "k", Found: true,
		Entry: Entry{Key: "k", Value: []byte("v"), CreateRevision: 1, ModRevision: 2, Version: 3}}}}
	b := appendResult(nil, &res)
	got, err := decodeResult(b)
	require.NoError(t, err)
	require.Equal(t, res, got)
	for n := range len(b) {
		_, err := decodeResult(b[:n])
		require.ErrorIs(t, err, ErrBadRequest, "truncated to %d bytes", n)
	}
	_, err = decodeResult(append(b, 0))
	require.ErrorContains(t, err, "trailing bytes")
	bad := slices.Clone(b)
	bad[1] = 2 // succeeded is neither 0 nor 1
	_, err = decodeResult(bad)
	require.ErrorContains(t, err, "bad result succeeded")
}

// recordsOf decodes every record of v, oldest first.
func recordsOf(t *testing.T, v dedupView) []dedupRecord {
	records := make([]dedupRecord, v.len())
	for i, s := range v.slots {
		res, err := decodeResult(v.arena.bytes(s.chunk, s.keyEnd, s.end))
		require.NoError(t, err)
		records[i] = dedupRecord{key: string(v.arena.bytes(s.chunk, s.off, s.keyEnd)), index: s.index, hash: s.hash, result: res}
	}
	return records
}

func TestDedupHashIgnoresKeyAndTime(t *testing.T) {
	h := func(c *Command) uint64 { v, _ := commandHash(nil, c); return v }
	base := idemPut("one", "k", "v")
	same := idemPut("two", "k", "v")
	same.ProposedAt = 99
	require.Equal(t, h(base), h(same))
	require.NotEqual(t, h(base), h(idemPut("one", "k", "w")))
	require.NotEqual(t, h(base), h(idemPut("one", "kk", "")))
}
