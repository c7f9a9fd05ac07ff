package node

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/hashicorp/raft"
	"github.com/stretchr/testify/require"
)

// applyAt applies cmd as the log entry at index and returns the response.
func applyAt(t testing.TB, f *FSM, index uint64, cmd *Command) *ApplyResponse {
	t.Helper()
	resp, ok := f.Apply(&raft.Log{Index: index, Type: raft.LogCommand, Data: EncodeCommand(cmd)}).(*ApplyResponse)
	require.True(t, ok, "Apply returns *ApplyResponse")
	return resp
}

func putCmd(key, value string) *Command {
	return &Command{Success: []Op{{Kind: OpPut, Key: key, Value: []byte(value)}}}
}

func getCmd(key string) *Command { return &Command{Success: []Op{{Kind: OpGet, Key: key}}} }

func deleteCmd(key string) *Command { return &Command{Success: []Op{{Kind: OpDelete, Key: key}}} }

// casCmd puts value under key if its mod revision is rev, else gets it.
func casCmd(key string, rev uint64, value string) *Command {
	return &Command{
		Compares: []Compare{{Key: key, Target: TargetMod, Op: CmpEqual, Number: rev}},
		Success:  []Op{{Kind: OpPut, Key: key, Value: []byte(value)}},
		Failure:  []Op{{Kind: OpGet, Key: key}},
	}
}

func entry(key, value string, create, mod, version uint64) Entry {
	e := Entry{Key: key, CreateRevision: create, ModRevision: mod, Version: version}
	if value != "" {
		e.Value = []byte(value)
	}
	return e
}

func TestFSMPutGetDeleteRevisions(t *testing.T) {
	f := NewFSM(FSMConfig{})
	steps := []struct {
		name string
		cmd  *Command
		want OpResult
	}{
		{"create", putCmd("a", "1"), OpResult{OpPut, "a", true, entry("a", "", 1, 1, 1)}},
		{"overwrite", putCmd("a", "2"), OpResult{OpPut, "a", true, entry("a", "", 1, 2, 2)}},
		{"get", getCmd("a"), OpResult{OpGet, "a", true, entry("a", "2", 1, 2, 2)}},
		{"get absent", getCmd("b"), OpResult{Kind: OpGet, Key: "b"}},
		{"delete", deleteCmd("a"), OpResult{OpDelete, "a", true, entry("a", "", 1, 2, 2)}},
		{"get deleted", getCmd("a"), OpResult{Kind: OpGet, Key: "a"}},
		{"delete absent", deleteCmd("a"), OpResult{Kind: OpDelete, Key: "a"}},
		{"recreate", putCmd("a", "3"), OpResult{OpPut, "a", true, entry("a", "", 8, 8, 1)}},
	}
	for i, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			index := uint64(i + 1)
			resp := applyAt(t, f, index, s.cmd)
			require.NoError(t, resp.Err)
			require.Equal(t, Result{Revision: index, Succeeded: true, Results: []OpResult{s.want}}, resp.Result)
			require.Equal(t, index, f.AppliedIndex())
		})
	}
	got, ok := f.Get("a")
	require.True(t, ok)
	require.Equal(t, entry("a", "3", 8, 8, 1), got)
	require.Equal(t, 1, f.Len())
}

// TestFSMCompares checks every target and relation against a key created at
// index 1 and overwritten at index 2 with "v2", and against an absent key.
func TestFSMCompares(t *testing.T) {
	cases := []struct {
		name string
		cmp  Compare
		want bool
	}{
		{"mod equal", Compare{Key: "k", Target: TargetMod, Op: CmpEqual, Number: 2}, true},
		{"mod equal mismatch", Compare{Key: "k", Target: TargetMod, Op: CmpEqual, Number: 1}, false},
		{"mod not equal", Compare{Key: "k", Target: TargetMod, Op: CmpNotEqual, Number: 1}, true},
		{"mod less", Compare{Key: "k", Target: TargetMod, Op: CmpLess, Number: 3}, true},
		{"mod less equal", Compare{Key: "k", Target: TargetMod, Op: CmpLess, Number: 2}, false},
		{"mod greater", Compare{Key: "k", Target: TargetMod, Op: CmpGreater, Number: 1}, true},
		{"create equal", Compare{Key: "k", Target: TargetCreate, Op: CmpEqual, Number: 1}, true},
		{"create greater", Compare{Key: "k", Target: TargetCreate, Op: CmpGreater, Number: 1}, false},
		{"version equal", Compare{Key: "k", Target: TargetVersion, Op: CmpEqual, Number: 2}, true},
		{"version less", Compare{Key: "k", Target: TargetVersion, Op: CmpLess, Number: 2}, false},
		{"value equal", Compare{Key: "k", Target: TargetValue, Op: CmpEqual, Value: []byte("v2")}, true},
		{"value not equal", Compare{Key: "k", Target: TargetValue, Op: CmpNotEqual, Value: []byte("v2")}, false},
		{"value less", Compare{Key: "k", Target: TargetValue, Op: CmpLess, Value: []byte("v3")}, true},
		{"value greater", Compare{Key: "k", Target: TargetValue, Op: CmpGreater, Value: []byte("v")}, true},
		{"absent mod zero", Compare{Key: "x", Target: TargetMod, Op: CmpEqual}, true},
		{"absent create zero", Compare{Key: "x", Target: TargetCreate, Op: CmpEqual}, true},
		{"absent version zero", Compare{Key: "x", Target: TargetVersion, Op: CmpGreater}, false},
		{"absent value nil", Compare{Key: "x", Target: TargetValue, Op: CmpEqual}, true},
		{"absent value less", Compare{Key: "x", Target: TargetValue, Op: CmpLess, Value: []byte("a")}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := NewFSM(FSMConfig{})
			applyAt(t, f, 1, putCmd("k", "v1"))
			applyAt(t, f, 2, putCmd("k", "v2"))
			resp := applyAt(t, f, 3, &Command{
				Compares: []Compare{c.cmp},
				Success:  []Op{{Kind: OpPut, Key: "won", Value: []byte("yes")}},
				Failure:  []Op{{Kind: OpGet, Key: "k"}},
			})
			require.NoError(t, resp.Err)
			require.Equal(t, c.want, resp.Result.Succeeded)
			_, won := f.Get("won")
			require.Equal(t, c.want, won, "only the chosen branch applies")
			wantKind := map[bool]OpKind{true: OpPut, false: OpGet}[c.want]
			require.Equal(t, wantKind, resp.Result.Results[0].Kind)
		})
	}
}

func TestFSMCompareAndSwap(t *testing.T) {
	f := NewFSM(FSMConfig{})
	applyAt(t, f, 1, putCmd("k", "old"))

	lost := applyAt(t, f, 2, casCmd("k", 7, "new"))
	require.NoError(t, lost.Err)
	require.False(t, lost.Result.Succeeded)
	require.Equal(t, []OpResult{{OpGet, "k", true, entry("k", "old", 1, 1, 1)}}, lost.Result.Results,
		"the failure branch reports the current revision")

	won := applyAt(t, f, 3, casCmd("k", 1, "new"))
	require.True(t, won.Result.Succeeded)
	require.Equal(t, []OpResult{{OpPut, "k", true, entry("k", "", 1, 3, 2)}}, won.Result.Results)

	created := applyAt(t, f, 4, casCmd("fresh", 0, "v"))
	require.True(t, created.Result.Succeeded, "mod revision 0 means absent")
	got, _ := f.Get("k")
	require.Equal(t, entry("k", "new", 1, 3, 2), got)
}

func TestFSMTxnSeveralOps(t *testing.T) {
	f := NewFSM(FSMConfig{})
	applyAt(t, f, 1, putCmd("a", "1"))
	txn := &Command{
		Compares: []Compare{
			{Key: "a", Target: TargetVersion, Op: CmpEqual, Number: 1},
			{Key: "b", Target: TargetCreate, Op: CmpEqual, Number: 0},
		},
		Success: []Op{
			{Kind: OpPut, Key: "b", Value: []byte("2")},
			{Kind: OpGet, Key: "b"},
			{Kind: OpDelete, Key: "a"},
			{Kind: OpGet, Key: "a"},
		},
	}
	resp := applyAt(t, f, 2, txn)
	require.Equal(t, Result{Revision: 2, Succeeded: true, Results: []OpResult{
		{OpPut, "b", true, entry("b", "", 2, 2, 1)},
		{OpGet, "b", true, entry("b", "2", 2, 2, 1)},
		{OpDelete, "a", true, entry("a", "", 1, 1, 1)},
		{Kind: OpGet, Key: "a"},
	}}, resp.Result)

	again := applyAt(t, f, 3, txn)
	require.Equal(t, Result{Revision: 3}, again.Result, "one failing compare takes the empty failure branch")
	require.Equal(t, []Entry{entry("b", "2", 2, 2, 1)}, f.Scan("", "", 0))
}

func TestFSMScan(t *testing.T) {
	f := NewFSM(FSMConfig{})
	keys := []string{"b", "a", "c/2", "c/1", "\xff", "d", "\x00"}
	for i, k := range keys {
		applyAt(t, f, uint64(i+1), putCmd(k, k))
	}
	cases := []struct {
		name       string
		start, end string
		limit      int
		want       []string
	}{
		{"all in byte order", "", "", 0, []string{"\x00", "a", "b", "c/1", "c/2", "d", "\xff"}},
		{"range", "b", "d", 0, []string{"b", "c/1", "c/2"}},
		{"prefix range", "c/", "c0", 0, []string{"c/1", "c/2"}},
		{"start between keys", "bb", "", 0, []string{"c/1", "c/2", "d", "\xff"}},
		{"limit", "a", "", 2, []string{"a", "b"}},
		{"negative limit", "d", "", -1, []string{"d", "\xff"}},
		{"empty range", "c", "c", 0, nil},
		{"end before start", "d", "a", 0, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, e := range f.Scan(c.start, c.end, c.limit) {
				require.Equal(t, e.Key, string(e.Value))
				got = append(got, e.Key)
			}
			require.Equal(t, c.want, got)
		})
	}
}

func TestFSMBadCommandChangesNothing(t *testing.T) {
	cases := map[string][]byte{
		"empty data":       nil,
		"garbage":          []byte("\x07garbage"),
		"truncated":        EncodeCommand(putCmd("k", "v2"))[:5],
		"unknown op kind":  EncodeCommand(&Command{Success: []Op{{Kind: 42, Key: "k"}}}),
		"idempotent trail": append(EncodeCommand(&Command{IdempotencyKey: "r", Success: []Op{{Kind: OpDelete, Key: "k"}}}), 1),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			f := NewFSM(FSMConfig{})
			applyAt(t, f, 1, putCmd("k", "v1"))
			resp := f.Apply(&raft.Log{Index: 2, Type: raft.LogCommand, Data: data}).(*ApplyResponse)
			require.ErrorIs(t, resp.Err, ErrBadRequest)
			require.Equal(t, Result{}, resp.Result)
			require.Equal(t, []Entry{entry("k", "v1", 1, 1, 1)}, f.Scan("", "", 0))
			require.Zero(t, f.dedup.len())
			require.Equal(t, uint64(2), f.AppliedIndex(), "the applied index still advances")
		})
	}
}

func TestFSMNoOpEntriesAdvanceAppliedIndex(t *testing.T) {
	f := NewFSM(FSMConfig{})
	applyAt(t, f, 1, putCmd("k", "v"))
	barrier := applyAt(t, f, 2, &Command{})
	require.Equal(t, &ApplyResponse{Result: Result{Revision: 2, Succeeded: true}}, barrier)
	require.Equal(t, uint64(2), f.AppliedIndex())

	f.StoreConfiguration(3, raft.Configuration{})
	require.Equal(t, uint64(3), f.AppliedIndex())

	other := f.Apply(&raft.Log{Index: 4, Type: raft.LogNoop})
	require.Equal(t, &ApplyResponse{}, other)
	require.Equal(t, uint64(4), f.AppliedIndex())
	require.Equal(t, []Entry{entry("k", "v", 1, 1, 1)}, f.Scan("", "", 0))
}

func TestFSMWaitApplied(t *testing.T) {
	cases := []struct {
		name    string
		advance func(t *testing.T, f *FSM, cancel context.CancelFunc)
		want    error
	}{
		{"apply", func(t *testing.T, f *FSM, _ context.CancelFunc) { applyAt(t, f, 3, &Command{}) }, nil},
		{"configuration", func(_ *testing.T, f *FSM, _ context.CancelFunc) {
			f.StoreConfiguration(3, raft.Configuration{})
		}, nil},
		{"restore", func(t *testing.T, f *FSM, _ context.CancelFunc) {
			src := NewFSM(FSMConfig{})
			applyAt(t, src, 5, &Command{})
			require.NoError(t, f.Restore(persist(t, src)))
		}, nil},
		{"cancel", func(_ *testing.T, _ *FSM, cancel context.CancelFunc) { cancel() }, context.Canceled},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := NewFSM(FSMConfig{})
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				done := make(chan error, 1)
				go func() { done <- f.WaitApplied(ctx, 3) }()
				applyAt(t, f, 1, &Command{})
				applyAt(t, f, 2, &Command{})
				synctest.Wait()
				require.Empty(t, done, "still waiting below the index")
				c.advance(t, f, cancel)
				synctest.Wait()
				require.Len(t, done, 1)
				require.Equal(t, c.want, <-done)
			})
		})
	}
}

func TestFSMWaitAppliedDeadlineAndReached(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := NewFSM(FSMConfig{})
		applyAt(t, f, 4, &Command{})
		require.NoError(t, f.WaitApplied(t.Context(), 4), "an index already applied returns at once")
		ctx, cancel := context.WithTimeout(t.Context(), 1)
		defer cancel()
		require.ErrorIs(t, f.WaitApplied(ctx, 5), context.DeadlineExceeded)
	})
}

// TestFSMConcurrentReadsDuringApply checks, under -race, that readers see
// whole applies: every entry's value is the index that wrote it.
func TestFSMConcurrentReadsDuringApply(t *testing.T) {
	f := NewFSM(FSMConfig{})
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for r := range 3 {
		wg.Go(func() {
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				checkConsistent(t, f, r, n)
			}
		})
	}
	for i := uint64(1); i <= 2000; i++ {
		applyAt(t, f, i, putCmd(fmt.Sprintf("key%02d", i%50), strconv.FormatUint(i, 10)))
	}
	close(stop)
	wg.Wait()
	require.Equal(t, 50, f.Len())
}

func checkConsistent(t *testing.T, f *FSM, reader, n int) {
	entries := f.Scan("key1", "key4", 0)
	if e, ok := f.Get(fmt.Sprintf("key%02d", (reader+n)%50)); ok {
		entries = append(entries, e)
	}
	for _, e := range entries {
		if string(e.Value) != strconv.FormatUint(e.ModRevision, 10) {
			t.Errorf("entry %q has value %q at mod revision %d", e.Key, e.Value, e.ModRevision)
		}
	}
}
