package part

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNewPartitioner(t *testing.T) {
	tests := []struct {
		kind, want string
	}{
		{"", KindHash},
		{KindHash, KindHash},
		{KindRange, KindRange},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			p, err := NewPartitioner(tt.kind)
			require.NoError(t, err)
			require.Equal(t, tt.want, p.Kind())
		})
	}
	t.Run("unknown", func(t *testing.T) {
		_, err := NewPartitioner("consistent")
		require.ErrorContains(t, err, `unknown partitioner "consistent"`)
	})
}

func TestHashPartitionerPosition(t *testing.T) {
	pos := HashPartitioner{}.Position("{user1}.name")
	require.Len(t, pos, 8)
	require.Equal(t, Hash64("user1"), binary.BigEndian.Uint64(pos))
	require.Equal(t, pos, HashPartitioner{}.Position("{user1}.mail"), "same tag, same position")
	require.NotEqual(t, pos, HashPartitioner{}.Position("{user2}.name"))
}

func TestRangePartitionerPosition(t *testing.T) {
	require.Equal(t, []byte("a/b/c"), RangePartitioner{}.Position("a/b/c"))
	require.Empty(t, RangePartitioner{}.Position(""))
}
