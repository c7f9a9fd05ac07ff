package node

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFSMBytes(t *testing.T) {
	steps := []struct {
		name string
		cmd  *Command
		want int64 // Bytes after the command
	}{
		{"put adds key and value", putCmd("ab", "123"), 5},
		{"second key", putCmd("c", "4567"), 10},
		{"overwrite counts the new value only", putCmd("ab", "1"), 8},
		{"empty value counts the key", putCmd("e", ""), 9},
		{"delete of an absent key changes nothing", deleteCmd("zz"), 9},
		{"delete subtracts key and value", deleteCmd("c"), 4},
		{"failed compare changes nothing", casCmd("ab", 999, "long value"), 4},
		{"transaction of several ops", &Command{Success: []Op{
			{Kind: OpPut, Key: "x", Value: []byte("yy")},
			{Kind: OpDelete, Key: "e"},
			{Kind: OpGet, Key: "ab"},
		}}, 6},
	}
	f := NewFSM(FSMConfig{})
	require.Zero(t, f.Bytes())
	for i, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			require.NoError(t, applyAt(t, f, uint64(i+1), s.cmd).Err)
			require.Equal(t, s.want, f.Bytes())
			require.Equal(t, sizeByScan(f), f.Bytes(), "the counter matches the stored entries")
		})
	}
}

func TestFSMBytesAfterRestore(t *testing.T) {
	src := NewFSM(FSMConfig{})
	populate(t, src)
	require.Equal(t, sizeByScan(src), src.Bytes())

	dst := NewFSM(FSMConfig{})
	applyAt(t, dst, 1, putCmd("replaced", "by the restore"))
	require.NoError(t, dst.Restore(persist(t, src)))
	require.Equal(t, src.Bytes(), dst.Bytes(), "a restore counts the restored entries only")
}

// sizeByScan sums the sizes of f's entries the slow way.
func sizeByScan(f *FSM) int64 {
	var n int64
	for _, e := range f.Scan("", "", 0) {
		n += int64(len(e.Key) + len(e.Value))
	}
	return n
}
