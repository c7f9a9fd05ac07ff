package node

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestGroupRoundTrips(t *testing.T) {
	parts := [][]byte{EncodeCommand(putCmd("a", "1")), EncodeCommand(deleteCmd("b")), {commandFormat}}
	got, err := decodeGroup(appendGroup(nil, parts))
	require.NoError(t, err)
	require.Equal(t, parts, got)
}

func TestGroupRefusesBadEncodings(t *testing.T) {
	good := appendGroup(nil, [][]byte{EncodeCommand(putCmd("a", "1"))})
	for name, b := range map[string][]byte{
		"empty":            nil,
		"single command":   EncodeCommand(putCmd("a", "1")),
		"no command":       {groupFormat, 0},
		"count too large":  {groupFormat, 3, 1, 1},
		"truncated":        good[:len(good)-1],
		"trailing bytes":   append(good[:len(good):len(good)], 0),
		"length overruns":  {groupFormat, 1, 9, 1},
		"bad count varint": {groupFormat, 0x80},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := decodeGroup(b)
			require.ErrorIs(t, err, ErrBadRequest)
		})
	}
}

// FuzzDecodeGroup checks that decodeGroup never panics and that what it
// accepts encodes back to the same commands.
func FuzzDecodeGroup(f *testing.F) {
	f.Add(appendGroup(nil, [][]byte{EncodeCommand(putCmd("a", "1")), {}}))
	f.Add([]byte{groupFormat, 1, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		parts, err := decodeGroup(b)
		if err != nil {
			return
		}
		again, err := decodeGroup(appendGroup(nil, parts))
		require.NoError(t, err)
		require.Equal(t, len(parts), len(again))
		for i := range parts {
			require.Equal(t, string(parts[i]), string(again[i]))
		}
	})
}
