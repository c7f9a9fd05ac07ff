package node

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestItemRoundTrip(t *testing.T) {
	cases := []struct {
		name string
		e    Entry
	}{
		{"small", Entry{Key: "k", Value: []byte("v"), CreateRevision: 1, ModRevision: 2, Version: 2}},
		{"empty value is nil", Entry{Key: "k", CreateRevision: 3, ModRevision: 3, Version: 1}},
		{"zero revisions", Entry{Key: "k", Value: []byte("v")}},
		{"varint boundaries", Entry{Key: "k", Value: []byte("v"), CreateRevision: 127, ModRevision: 128, Version: 1 << 14}},
		{"versions past 32 bits", Entry{Key: "k", Value: []byte("v"), CreateRevision: 1 << 32, ModRevision: 1<<40 + 1, Version: 1<<32 + 5}},
		{"largest revisions", Entry{Key: "k", Value: []byte("v"), CreateRevision: math.MaxUint64, ModRevision: math.MaxUint64, Version: math.MaxUint64}},
		{"binary key and value", Entry{Key: "\x00\xff\x80", Value: []byte{0, 0x80, 0xff}, CreateRevision: 9, ModRevision: 9, Version: 1}},
		{"key of 4 KiB", Entry{Key: strings.Repeat("k", 4<<10), Value: []byte("v"), CreateRevision: 1, ModRevision: 1, Version: 1}},
		{"value of 1 MiB", Entry{Key: "k", Value: bytes.Repeat([]byte{7}, 1<<20), CreateRevision: 1, ModRevision: 5, Version: 4}},
		{"value that looks like revisions", Entry{Key: "k", Value: []byte{0x80, 0x80, 0x01}, CreateRevision: 200, ModRevision: 300, Version: 2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			it := itemOf(&c.e)
			require.Equal(t, c.e, it.entry())
			require.Equal(t, c.e.Key, it.key())
			require.Equal(t, int64(len(c.e.Key)+len(c.e.Value)), it.size())
		})
	}
}

func TestItemValueIsReadOnlyView(t *testing.T) {
	it := newItem("key", []byte("value"), 1, 2, 3)
	e := it.entry()
	require.Equal(t, len(e.Value), cap(e.Value), "appending to a value copies it")
	grown := append(e.Value, '!')
	require.Equal(t, []byte("value!"), grown)
	require.Equal(t, []byte("value"), it.entry().Value, "the stored value is unchanged")

	src := []byte("value")
	stored := newItem("key", src, 1, 1, 1)
	src[0] = 'X'
	require.Equal(t, []byte("value"), stored.entry().Value, "newItem copies the value")
}

func TestItemOrderAndProbe(t *testing.T) {
	keys := []string{"\x00", "a", "a\x00", "ab", "b", "\xff"}
	for i, a := range keys {
		for j, b := range keys {
			stored := newItem(a, []byte("some value"), 1, 1, 1)
			require.Equal(t, i < j, lessItem(stored, probe(b)), "%q < %q", a, b)
			require.Equal(t, j < i, lessItem(probe(b), stored), "%q < %q", b, a)
		}
	}
}

func TestParseItem(t *testing.T) {
	e := Entry{Key: "key", Value: []byte("value"), CreateRevision: 300, ModRevision: 1 << 40, Version: 7}
	enc := appendEntry(nil, &e)
	it, n := parseItem(append(bytes.Clone(enc), "next entry"...))
	require.Equal(t, len(enc), n)
	require.Equal(t, e, it.entry())
	for cut := range len(enc) {
		_, n := parseItem(enc[:cut])
		require.Zero(t, n, "an entry cut at %d is not whole", cut)
	}
	overflow := append([]byte{3, 'k', 'e', 'y', 0}, bytes.Repeat([]byte{0xff}, 11)...)
	_, n = parseItem(overflow)
	require.Zero(t, n, "a revision overflowing 64 bits is refused")
}

func TestTreeOf(t *testing.T) {
	for _, n := range []int{0, 1, 2, 62, 63, 64, 127, 4000, 10007} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			items := make([]item, n)
			for i := range items {
				items[i] = newItem(fmt.Sprintf("key/%06d", i), []byte("v"), 1, uint64(i+1), 1)
			}
			var chunks [][]item // of 64 items, as items() makes them of itemChunk
			for c := range slices.Chunk(items, 64) {
				chunks = append(chunks, c)
			}
			tree := treeOf(chunks)
			require.Equal(t, n, tree.Len())
			i := 0
			tree.Ascend(func(it item) bool {
				require.Equal(t, items[i], it, "item %d in order", i)
				i++
				return true
			})
			require.Equal(t, n, i)
		})
	}
}

// TestFSMAppliesAfterBulkRestore changes a restored state machine, whose
// tree was built by treeOf, and compares it with one that applied the same
// commands without a restore.
func TestFSMAppliesAfterBulkRestore(t *testing.T) {
	want := NewFSM(FSMConfig{})
	index := uint64(1)
	for i := range 5000 {
		applyAt(t, want, index, putCmd(fmt.Sprintf("key/%05d", i), strings.Repeat("v", i%300)))
		index++
	}
	got := NewFSM(FSMConfig{})
	require.NoError(t, got.Restore(persist(t, want)))
	for i := range 5000 {
		cmds := []*Command{deleteCmd(fmt.Sprintf("key/%05d", i*3)), putCmd(fmt.Sprintf("key/%05d", i*7), "new"),
			putCmd(fmt.Sprintf("new/%05d", i), "x")}
		for _, c := range cmds {
			require.Equal(t, applyAt(t, want, index, c), applyAt(t, got, index, c))
			index++
		}
	}
	require.Equal(t, stateOf(t, want), stateOf(t, got))
	require.Equal(t, want.Bytes(), got.Bytes())
	require.Equal(t, sizeByScan(got), got.Bytes())
}

func TestFSMVersionsPast32Bits(t *testing.T) {
	const big = 1<<40 + 3
	snap := withCRC([]byte{snapshotFormat}, uv(big), uv(1),
		uv(1), []byte("k"), uv(1), []byte("v"), uv(7), uv(big), uv(big), uv(0))
	f := NewFSM(FSMConfig{})
	require.NoError(t, f.Restore(io.NopCloser(bytes.NewReader(snap))))
	require.Equal(t, entry("k", "v", 7, big, big), mustGet(t, f, "k"))

	res := applyAt(t, f, big+1, putCmd("k", "w"))
	require.Equal(t, Entry{Key: "k", CreateRevision: 7, ModRevision: big + 1, Version: big + 1}, res.Result.Results[0].Entry)
	require.Equal(t, entry("k", "w", 7, big+1, big+1), mustGet(t, f, "k"))
}

func mustGet(t *testing.T, f *FSM, key string) Entry {
	t.Helper()
	e, ok := f.Get(key)
	require.True(t, ok, "key %q present", key)
	return e
}
