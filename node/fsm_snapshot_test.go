package node

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"
)

// memSink is a raft.SnapshotSink keeping what is written in memory. Writes
// fail once they would pass failAfter bytes, when failAfter is positive.
type memSink struct {
	bytes.Buffer
	failAfter         int
	closed, cancelled bool
}

func (s *memSink) ID() string    { return "mem" }
func (s *memSink) Close() error  { s.closed = true; return nil }
func (s *memSink) Cancel() error { s.cancelled = true; return nil }

func (s *memSink) Write(p []byte) (int, error) {
	if s.failAfter > 0 && s.Len()+len(p) > s.failAfter {
		return 0, errors.New("sink full")
	}
	return s.Buffer.Write(p)
}

// snapshotBytes snapshots f and returns the persisted stream.
func snapshotBytes(t testing.TB, f *FSM) []byte {
	t.Helper()
	snap, err := f.Snapshot()
	require.NoError(t, err)
	defer snap.Release()
	sink := &memSink{}
	require.NoError(t, snap.Persist(sink))
	require.True(t, sink.closed)
	require.False(t, sink.cancelled)
	return sink.Bytes()
}

// persist snapshots f and returns a reader of the persisted stream.
func persist(t *testing.T, f *FSM) io.ReadCloser {
	return io.NopCloser(bytes.NewReader(snapshotBytes(t, f)))
}

// fsmState is everything a snapshot carries.
type fsmState struct {
	Entries []Entry
	Records []dedupRecord
	Applied uint64
}

func stateOf(t *testing.T, f *FSM) fsmState {
	f.mu.RLock()
	view := f.dedup.view()
	f.mu.RUnlock()
	return fsmState{Entries: f.Scan("", "", 0), Records: recordsOf(t, view), Applied: f.AppliedIndex()}
}

// populate applies a mix of commands from index 1 and returns the next index.
func populate(t *testing.T, f *FSM) uint64 {
	cmds := []*Command{
		putCmd("a", "1"),
		putCmd("a", "2"),
		putCmd("\x00bin\xff", "x"),
		{Success: []Op{{Kind: OpPut, Key: "big", Value: bytes.Repeat([]byte("v"), 3*readChunk)}}},
		putCmd("gone", "soon"),
		deleteCmd("gone"),
		{IdempotencyKey: "r1", Success: []Op{{Kind: OpPut, Key: "b", Value: []byte("b")}}},
		{IdempotencyKey: "r2", Compares: []Compare{{Key: "a", Target: TargetMod, Op: CmpEqual, Number: 9}},
			Failure: []Op{{Kind: OpGet, Key: "a"}, {Kind: OpGet, Key: "nope"}}},
		{IdempotencyKey: "r3", Success: []Op{{Kind: OpDelete, Key: "b"}}},
		putCmd("empty", ""),
	}
	for i, c := range cmds {
		require.NoError(t, applyAt(t, f, uint64(i+1), c).Err)
	}
	return uint64(len(cmds) + 1)
}

func TestFSMSnapshotRestoreRoundTrip(t *testing.T) {
	src := NewFSM(FSMConfig{})
	next := populate(t, src)
	dst := NewFSM(FSMConfig{})
	applyAt(t, dst, 1, putCmd("stale", "state"))

	require.NoError(t, dst.Restore(persist(t, src)))
	require.Equal(t, stateOf(t, src), stateOf(t, dst))
	require.Equal(t, 3, dst.dedup.len())

	replay := &Command{IdempotencyKey: "r2", Compares: []Compare{{Key: "a", Target: TargetMod, Op: CmpEqual, Number: 9}},
		Failure: []Op{{Kind: OpGet, Key: "a"}, {Kind: OpGet, Key: "nope"}}}
	want := applyAt(t, src, next, replay)
	require.Equal(t, uint64(8), want.Result.Revision)
	require.Equal(t, want, applyAt(t, dst, next, replay), "restored idempotency records answer alike")
	require.Equal(t, applyAt(t, src, next+1, putCmd("a", "3")), applyAt(t, dst, next+1, putCmd("a", "3")))
	require.Equal(t, stateOf(t, src), stateOf(t, dst))
}

func TestFSMSnapshotIgnoresLaterApplies(t *testing.T) {
	f := NewFSM(FSMConfig{})
	next := populate(t, f)
	before := stateOf(t, f)
	snap, err := f.Snapshot()
	require.NoError(t, err)
	later := []*Command{
		putCmd("a", "changed"), deleteCmd("\x00bin\xff"), putCmd("new", "key"),
		{IdempotencyKey: "r4", Success: []Op{{Kind: OpPut, Key: "c", Value: []byte("c")}}},
	}
	for i, c := range later {
		applyAt(t, f, next+uint64(i), c)
	}

	sink := &memSink{}
	require.NoError(t, snap.Persist(sink))
	restored := NewFSM(FSMConfig{})
	require.NoError(t, restored.Restore(io.NopCloser(&sink.Buffer)))
	require.Equal(t, before, stateOf(t, restored))
}

// TestFSMSnapshotPersistDuringApply persists a snapshot while applies go on,
// as raft does; run it with -race.
func TestFSMSnapshotPersistDuringApply(t *testing.T) {
	f := NewFSM(FSMConfig{})
	for i := uint64(1); i <= 500; i++ {
		applyAt(t, f, i, putCmd(string(rune('a'+i%26))+string(rune('a'+i/26)), "v"))
	}
	before := stateOf(t, f)
	snap, err := f.Snapshot()
	require.NoError(t, err)
	sink := &memSink{}
	var wg sync.WaitGroup
	wg.Go(func() { err = snap.Persist(sink) })
	for i := uint64(501); i <= 1500; i++ {
		applyAt(t, f, i, putCmd(string(rune('a'+i%26))+string(rune('a'+i%7)), "w"))
	}
	wg.Wait()
	require.NoError(t, err)
	restored := NewFSM(FSMConfig{})
	require.NoError(t, restored.Restore(io.NopCloser(&sink.Buffer)))
	require.Equal(t, before, stateOf(t, restored))
}

func TestFSMPersistCancelsSinkOnError(t *testing.T) {
	f := NewFSM(FSMConfig{})
	populate(t, f)
	snap, err := f.Snapshot()
	require.NoError(t, err)
	sink := &memSink{failAfter: 100}
	require.Error(t, snap.Persist(sink))
	require.True(t, sink.cancelled)
	require.False(t, sink.closed)
}

// withCRC returns the concatenated parts followed by their CRC-32C, so that
// a crafted stream passes the checksum and fails on its content.
func withCRC(parts ...[]byte) []byte {
	b := bytes.Join(parts, nil)
	return binary.BigEndian.AppendUint32(b, crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli)))
}

func uv(v uint64) []byte { return binary.AppendUvarint(nil, v) }

func TestFSMRestoreRejectsCorrupt(t *testing.T) {
	src := NewFSM(FSMConfig{})
	populate(t, src)
	good := snapshotBytes(t, src)
	flipped := bytes.Clone(good)
	flipped[len(flipped)/2] ^= 0x10
	cases := map[string][]byte{
		"empty":          nil,
		"garbage":        []byte("not a snapshot at all"),
		"unknown format": append([]byte{2}, good[1:]...),
		"flipped bit":    flipped,
		"trailing byte":  append(bytes.Clone(good), 0),
		"bad checksum":   append(bytes.Clone(good[:len(good)-4]), 0, 0, 0, 0),
		"huge length":    withCRC([]byte{snapshotFormat}, uv(1), uv(1), uv(1<<62)),
		"empty key":      withCRC([]byte{snapshotFormat}, uv(1), uv(1), uv(0), uv(0), uv(1), uv(1), uv(1), uv(0)),
		"keys unordered": withCRC([]byte{snapshotFormat}, uv(2), uv(2), []byte("\x01b\x00\x01\x01\x01"), []byte("\x01a\x00\x02\x02\x01"), uv(0)),
		"bad boolean": withCRC([]byte{snapshotFormat}, uv(1), uv(0),
			uv(1), []byte("\x01k"), uv(1), make([]byte, 8), uv(1), []byte{7}, uv(0)),
		"missing records": withCRC([]byte{snapshotFormat}, uv(1), uv(0)),
	}
	small := NewFSM(FSMConfig{})
	applyAt(t, small, 1, putCmd("k", "v"))
	applyAt(t, small, 2, &Command{IdempotencyKey: "r", Success: []Op{{Kind: OpGet, Key: "k"}}})
	smallBytes := snapshotBytes(t, small)
	for n := range len(smallBytes) {
		cases["truncated at "+strconv.Itoa(n)] = smallBytes[:n]
	}
	cases["truncated in a large value"] = good[:2*readChunk]
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			f := NewFSM(FSMConfig{})
			applyAt(t, f, 1, &Command{IdempotencyKey: "mine", Success: []Op{{Kind: OpPut, Key: "k", Value: []byte("v")}}})
			before := stateOf(t, f)
			require.Error(t, f.Restore(io.NopCloser(bytes.NewReader(data))))
			require.Equal(t, before, stateOf(t, f), "a failed restore changes nothing")
		})
	}
}

func FuzzRestore(f *testing.F) {
	src := NewFSM(FSMConfig{})
	applyAt(f, src, 1, putCmd("k", "v"))
	applyAt(f, src, 2, &Command{IdempotencyKey: "r", Success: []Op{{Kind: OpGet, Key: "k"}}})
	for _, fsm := range []*FSM{NewFSM(FSMConfig{}), src} {
		snap, err := fsm.Snapshot()
		require.NoError(f, err)
		sink := &memSink{}
		require.NoError(f, snap.Persist(sink))
		f.Add(sink.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fsm := NewFSM(FSMConfig{})
		applyAt(t, fsm, 1, putCmd("mine", "x"))
		before := stateOf(t, fsm)
		if err := fsm.Restore(io.NopCloser(bytes.NewReader(data))); err != nil {
			require.Equal(t, before, stateOf(t, fsm))
			return
		}
		again := NewFSM(FSMConfig{})
		require.NoError(t, again.Restore(persist(t, fsm)))
		require.Equal(t, stateOf(t, fsm), stateOf(t, again))
	})
}

// TestFSMRestoreReadShapes restores a snapshot whose entries straddle the
// reader's buffer in every way, through readers that hand the bytes over
// in pieces of various sizes.
func TestFSMRestoreReadShapes(t *testing.T) {
	src := NewFSM(FSMConfig{})
	next := populate(t, src)
	for i := range 3000 {
		applyAt(t, src, next+uint64(i), putCmd("k"+strconv.Itoa(i*7919%3000), strings.Repeat("v", i%257)))
	}
	data := snapshotBytes(t, src)
	shapes := map[string]func(io.Reader) io.Reader{
		"whole":             func(r io.Reader) io.Reader { return r },
		"one byte per read": iotest.OneByteReader,
		"half reads":        iotest.HalfReader,
		"EOF with the data": iotest.DataErrReader,
	}
	for name, shape := range shapes {
		t.Run(name, func(t *testing.T) {
			dst := NewFSM(FSMConfig{})
			require.NoError(t, dst.Restore(io.NopCloser(shape(bytes.NewReader(data)))))
			require.Equal(t, stateOf(t, src), stateOf(t, dst))
			require.Equal(t, src.Bytes(), dst.Bytes())
		})
	}
}

func TestFSMRestoreReadError(t *testing.T) {
	src := NewFSM(FSMConfig{})
	populate(t, src)
	data := snapshotBytes(t, src)
	failing := io.MultiReader(bytes.NewReader(data[:len(data)/2]), iotest.ErrReader(errors.New("disk gone")))
	f := NewFSM(FSMConfig{})
	applyAt(t, f, 1, putCmd("k", "v"))
	before := stateOf(t, f)
	require.ErrorContains(t, f.Restore(io.NopCloser(failing)), "disk gone")
	require.Equal(t, before, stateOf(t, f))
}
