package unixtime

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestEncodeDecodeRoundTrip(t *testing.T) {
	require.Zero(t, Encode(time.Time{}))
	require.True(t, Decode(0).IsZero())
	now := time.Unix(1_800_000_000, 123456789)
	require.Equal(t, now.UnixNano(), Encode(now))
	require.True(t, now.Equal(Decode(Encode(now))))
	before := time.Unix(-5, 7)
	require.True(t, before.Equal(Decode(Encode(before))), "times before the epoch")
}
