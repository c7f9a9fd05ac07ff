package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

var errBad = errors.New("bad input")

func newTestReader(b []byte) Reader {
	return NewReader(b, func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{errBad}, args...)...)
	})
}

func TestReaderReadsEveryKindOfField(t *testing.T) {
	b := []byte{7}
	b = binary.AppendUvarint(b, 300)
	b = binary.AppendVarint(b, -5)
	b = append(binary.AppendUvarint(b, 3), "abc"...)
	b = binary.AppendUvarint(b, 0)
	r := newTestReader(b)
	require.Equal(t, byte(7), r.Octet("kind"))
	require.Equal(t, uint64(300), r.Uvarint("count"))
	require.Equal(t, int64(-5), r.Varint("time"))
	v := r.Bytes("name")
	require.Equal(t, []byte("abc"), v)
	require.Equal(t, 3, cap(v), "capped at its length")
	require.Nil(t, r.Bytes("empty"))
	require.NoError(t, r.Err())
	require.Zero(t, r.Len())
}

func TestReaderFailuresAreStickyAndNamed(t *testing.T) {
	cases := map[string]struct {
		input []byte
		read  func(r *Reader)
		want  string
	}{
		"octet past the end":  {nil, func(r *Reader) { r.Octet("kind") }, "truncated before kind"},
		"cut varint":          {[]byte{0x80}, func(r *Reader) { r.Uvarint("count") }, "bad or truncated count"},
		"overlong varint":     {[]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, func(r *Reader) { r.Varint("time") }, "bad or truncated time"},
		"string past the end": {[]byte{5, 'a'}, func(r *Reader) { r.Bytes("name") }, "name of 5 bytes overruns the 1 bytes left"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			r := newTestReader(c.input)
			c.read(&r)
			require.ErrorIs(t, r.Err(), errBad)
			require.ErrorContains(t, r.Err(), c.want)
			first := r.Err()
			require.Zero(t, r.Octet("more"), "reads after a failure return zero")
			r.Fail("another %s", "failure")
			require.Equal(t, first, r.Err(), "the first failure stays")
		})
	}
}
