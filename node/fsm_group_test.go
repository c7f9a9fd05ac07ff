package node

import (
	"testing"

	"github.com/hashicorp/raft"
	"github.com/stretchr/testify/require"
)

// TestFSMAppliesAGroupInOrderAtOneIndex checks that an entry carrying a
// group of commands applies each in order at the entry's index, answers
// one response per command, honours each command's idempotency key, and
// answers a command that cannot be decoded with its own error while the
// others apply.
func TestFSMAppliesAGroupInOrderAtOneIndex(t *testing.T) {
	f := NewFSM(FSMConfig{})
	retry := &Command{IdempotencyKey: "k1", Success: []Op{{Kind: OpPut, Key: "r", Value: []byte("first")}}}
	applyAt(t, f, 1, retry)
	applyAt(t, f, 2, putCmd("b", "old"))
	group := appendGroup(nil, [][]byte{
		EncodeCommand(putCmd("a", "1")),
		EncodeCommand(retry),
		[]byte("\x09not a command"),
		EncodeCommand(casCmd("b", 2, "new")),
		EncodeCommand(deleteCmd("gone")),
	})
	resp := f.Apply(&raft.Log{Index: 3, Type: raft.LogCommand, Data: group})
	resps, ok := resp.([]*ApplyResponse)
	require.True(t, ok, "a group answers %T", resp)
	require.Len(t, resps, 5)
	require.NoError(t, resps[0].Err)
	require.Equal(t, uint64(3), resps[0].Result.Revision)
	require.Equal(t, uint64(1), resps[1].Result.Revision, "the retry answers as its first time")
	require.ErrorIs(t, resps[2].Err, ErrBadRequest)
	require.True(t, resps[3].Result.Succeeded, "the compare saw b at revision 2")
	require.False(t, resps[4].Result.Results[0].Found)
	require.Equal(t, uint64(3), f.AppliedIndex())
	for key, want := range map[string]Entry{"a": entry("a", "1", 3, 3, 1), "b": entry("b", "new", 2, 3, 2), "r": entry("r", "first", 1, 1, 1)} {
		got, ok := f.Get(key)
		require.True(t, ok, key)
		require.Equal(t, want, got, key)
	}
}

// TestFSMRefusesAMalformedGroup checks that an entry whose group framing is
// broken answers one error and changes nothing.
func TestFSMRefusesAMalformedGroup(t *testing.T) {
	f := NewFSM(FSMConfig{})
	resp := f.Apply(&raft.Log{Index: 1, Type: raft.LogCommand, Data: []byte{groupFormat, 2, 1}})
	one, ok := resp.(*ApplyResponse)
	require.True(t, ok, "%T", resp)
	require.ErrorIs(t, one.Err, ErrBadRequest)
	require.Zero(t, f.Len())
	require.Equal(t, uint64(1), f.AppliedIndex())
}
