package mux

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHeaderRoundTrip(t *testing.T) {
	for _, group := range []uint64{0, 1, 7, 1 << 32, ^uint64(0)} {
		h := encodeHeader(group)
		got, err := decodeHeader(h[:])
		require.NoError(t, err)
		require.Equal(t, group, got)
	}
}

func TestDecodeHeaderRejects(t *testing.T) {
	good := encodeHeader(7)
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, errHeaderSize},
		{"short", good[:headerLen-1], errHeaderSize},
		{"long", append(good[:], 0), errHeaderSize},
		{"bad magic", append([]byte{'G', headerVersion}, good[2:]...), errBadMagic},
		{"bad version", append([]byte{headerMagic, 9}, good[2:]...), errBadVersion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeHeader(tt.in)
			require.ErrorIs(t, err, tt.want)
		})
	}
}

func FuzzDecodeHeader(f *testing.F) {
	good := encodeHeader(7)
	f.Add(good[:])
	f.Add([]byte{})
	f.Add([]byte("GET / HTTP"))
	f.Add([]byte{headerMagic, 2, 0, 0, 0, 0, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		group, err := decodeHeader(b)
		if err != nil {
			return
		}
		h := encodeHeader(group)
		require.Equal(t, h[:], b, "a decoded header must re-encode to the same bytes")
	})
}
