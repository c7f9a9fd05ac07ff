package node

import (
	"encoding/binary"
	"fmt"
	"math"
	"testing"

	"github.com/hashicorp/raft"
	"github.com/stretchr/testify/require"
)

// sampleCommands are well-formed commands covering every field, target,
// relation and op kind.
func sampleCommands() map[string]*Command {
	return map[string]*Command{
		"empty barrier": {},
		"plain put":     {Success: []Op{{Kind: OpPut, Key: "k", Value: []byte("v")}}},
		"put empty value": {
			Success: []Op{{Kind: OpPut, Key: "k"}},
		},
		"idempotent delete": {
			IdempotencyKey: "req-1", ProposedAt: 1_700_000_000_000_000_000,
			Success: []Op{{Kind: OpDelete, Key: "gone"}},
		},
		"negative proposal time": {ProposedAt: math.MinInt64, Success: []Op{{Kind: OpGet, Key: "k"}}},
		"cas": {
			Compares: []Compare{{Key: "k", Target: TargetMod, Op: CmpEqual, Number: 42}},
			Success:  []Op{{Kind: OpPut, Key: "k", Value: []byte("new")}},
			Failure:  []Op{{Kind: OpGet, Key: "k"}},
		},
		"every target and relation": {
			Compares: []Compare{
				{Key: "a", Target: TargetMod, Op: CmpNotEqual, Number: math.MaxUint64},
				{Key: "b", Target: TargetCreate, Op: CmpLess, Number: 7},
				{Key: "c", Target: TargetVersion, Op: CmpGreater},
				{Key: "d", Target: TargetValue, Op: CmpEqual, Value: []byte{0, 1, 2, 0xff}},
				{Key: "e", Target: TargetValue, Op: CmpLess},
			},
			Success: []Op{{Kind: OpGet, Key: "a"}, {Kind: OpPut, Key: "b", Value: []byte("x")}, {Kind: OpDelete, Key: "c"}},
			Failure: []Op{{Kind: OpDelete, Key: "d"}, {Kind: OpGet, Key: "e"}},
		},
		"binary keys": {Success: []Op{{Kind: OpPut, Key: "\x00\xff/é", Value: make([]byte, 300)}}},
	}
}

func TestCodecRoundTrip(t *testing.T) {
	for name, cmd := range sampleCommands() {
		t.Run(name, func(t *testing.T) {
			enc := EncodeCommand(cmd)
			require.Equal(t, byte(commandFormat), enc[0])
			got, err := DecodeCommand(enc)
			require.NoError(t, err)
			require.Equal(t, cmd, got)
			require.Equal(t, enc, AppendCommand(nil, got), "encoding is canonical")
		})
	}
}

func TestCodecAppendKeepsPrefix(t *testing.T) {
	cmd := sampleCommands()["cas"]
	out := AppendCommand([]byte("prefix"), cmd)
	require.Equal(t, "prefix", string(out[:6]))
	require.Equal(t, EncodeCommand(cmd), out[6:])
}

func TestCodecDropsUnusedFields(t *testing.T) {
	cmd := &Command{
		Compares: []Compare{
			{Key: "a", Target: TargetMod, Op: CmpEqual, Number: 3, Value: []byte("unused")},
			{Key: "b", Target: TargetValue, Op: CmpEqual, Number: 9, Value: []byte("v")},
		},
		Success: []Op{{Kind: OpGet, Key: "a", Value: []byte("unused")}},
	}
	got, err := DecodeCommand(EncodeCommand(cmd))
	require.NoError(t, err)
	require.Equal(t, &Command{
		Compares: []Compare{
			{Key: "a", Target: TargetMod, Op: CmpEqual, Number: 3},
			{Key: "b", Target: TargetValue, Op: CmpEqual, Value: []byte("v")},
		},
		Success: []Op{{Kind: OpGet, Key: "a"}},
	}, got)
}

func TestCodecDecodeCopiesKeysAndSharesValues(t *testing.T) {
	enc := EncodeCommand(&Command{
		IdempotencyKey: "req",
		Compares:       []Compare{{Key: "c", Target: TargetValue, Op: CmpEqual, Value: []byte("old")}},
		Success:        []Op{{Kind: OpPut, Key: "k", Value: []byte("value")}},
	})
	got, err := DecodeCommand(enc)
	require.NoError(t, err)
	put, cmp := got.Success[0].Value, got.Compares[0].Value
	require.Equal(t, len(put), cap(put), "appending to a value copies it")
	require.Equal(t, len(cmp), cap(cmp), "appending to a value copies it")
	clear(enc)
	require.Equal(t, "req", got.IdempotencyKey)
	require.Equal(t, "k", got.Success[0].Key)
	require.Equal(t, "c", got.Compares[0].Key)
	require.Equal(t, make([]byte, len("value")), put, "the value is a view into the encoding")
	require.Equal(t, make([]byte, len("old")), cmp, "the value is a view into the encoding")
}

func TestCodecRejectsMalformed(t *testing.T) {
	put := EncodeCommand(sampleCommands()["plain put"])
	cases := map[string][]byte{
		"nil":                 nil,
		"unknown version":     append([]byte{2}, put[1:]...),
		"version zero":        {0, 0, 0, 0, 0, 0},
		"truncated":           put[:len(put)-1],
		"trailing bytes":      append(append([]byte{}, put...), 0),
		"unknown op kind":     EncodeCommand(&Command{Success: []Op{{Kind: 9, Key: "k"}}}),
		"op kind zero":        EncodeCommand(&Command{Failure: []Op{{Kind: 0, Key: "k"}}}),
		"unknown target":      EncodeCommand(&Command{Compares: []Compare{{Key: "k", Target: 5, Op: CmpEqual}}}),
		"unknown compare op":  EncodeCommand(&Command{Compares: []Compare{{Key: "k", Target: TargetMod, Op: 0}}}),
		"empty op key":        EncodeCommand(&Command{Success: []Op{{Kind: OpGet}}}),
		"empty compare key":   EncodeCommand(&Command{Compares: []Compare{{Target: TargetMod, Op: CmpEqual}}}),
		"huge key length":     binary.AppendUvarint([]byte{commandFormat}, math.MaxUint64),
		"huge compare count":  binary.AppendUvarint([]byte{commandFormat, 0, 0}, 1<<40),
		"huge op count":       binary.AppendUvarint([]byte{commandFormat, 0, 0, 0}, 1<<62),
		"overlong uvarint":    {commandFormat, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01},
		"value overruns data": {commandFormat, 0, 0, 0, 1, byte(OpPut), 1, 'k', 5, 'a'},
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := DecodeCommand(b)
			require.ErrorIs(t, err, ErrBadRequest)
			require.Nil(t, got)
		})
	}
}

func FuzzDecodeCommand(f *testing.F) {
	for _, cmd := range sampleCommands() {
		f.Add(EncodeCommand(cmd))
	}
	f.Add([]byte{})
	f.Add([]byte{commandFormat, 0x80})
	f.Fuzz(func(t *testing.T, b []byte) {
		cmd, err := DecodeCommand(b)
		if err != nil {
			require.ErrorIs(t, err, ErrBadRequest)
			return
		}
		again, err := DecodeCommand(EncodeCommand(cmd))
		require.NoError(t, err)
		require.Equal(t, cmd, again)
	})
}

// TestFSMKeepsNoViewOfLogData checks what DecodeCommand's shared values rely
// on: once Apply or ApplyBatch returns, the state machine holds nothing of
// the entries' data, so Raft may reuse or drop those buffers.
func TestFSMKeepsNoViewOfLogData(t *testing.T) {
	cases := map[string]*Command{
		"put":            putCmd("k", "value"),
		"idempotent put": {IdempotencyKey: "req", Success: []Op{{Kind: OpPut, Key: "k", Value: []byte("value")}}},
		"value compare": {
			Compares: []Compare{{Key: "k", Target: TargetValue, Op: CmpEqual}},
			Success:  []Op{{Kind: OpPut, Key: "k", Value: []byte("value")}},
		},
	}
	for name, cmd := range cases {
		for _, batch := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/batch=%t", name, batch), func(t *testing.T) {
				f := NewFSM(FSMConfig{})
				l := &raft.Log{Index: 1, Type: raft.LogCommand, Data: EncodeCommand(cmd)}
				if batch {
					f.ApplyBatch([]*raft.Log{l})
				} else {
					f.Apply(l)
				}
				clear(l.Data)
				got, ok := f.Get("k")
				require.True(t, ok)
				require.Equal(t, "value", string(got.Value))
			})
		}
	}
}
