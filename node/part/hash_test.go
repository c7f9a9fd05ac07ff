package part

import (
	"hash/fnv"
	"testing"

	"github.com/stretchr/testify/require"
)

// Hash64 decides where stored keys live, so its values must never change.
func TestHash64Golden(t *testing.T) {
	golden := []struct {
		in   string
		want uint64
	}{
		{"", 0xefd01f60ba992926},
		{"a", 0x82a2a958a9bece5b},
		{"b", 0x6e673288764ad2d0},
		{"foo", 0xaf85ea5569581d4c},
		{"user1", 0xcaf672d63552cd57},
		{"hello world", 0x7c6d8c019b6ee5d5},
		{"{user1}.name", 0xd7790f30b7440859},
		{"treekv", 0x05672b5a332b446c},
	}
	for _, g := range golden {
		t.Run(g.in, func(t *testing.T) {
			require.Equal(t, g.want, Hash64(g.in))
		})
	}
}

func TestHash64IsFNV1aThenFmix64(t *testing.T) {
	for _, s := range []string{"", "a", "{user1}.name", "a longer key with spaces", "\x00\xff"} {
		h := fnv.New64a()
		_, _ = h.Write([]byte(s))
		require.Equal(t, fmix64(h.Sum64()), Hash64(s), "key %q", s)
	}
}

func TestHash64Distinct(t *testing.T) {
	require.NotEqual(t, Hash64("a"), Hash64("b"))
	require.NotEqual(t, Hash64("user1"), Hash64("user2"))
	require.NotEqual(t, Hash64("ab"), Hash64("ba"))
}

func TestFmix64IsFinalizer(t *testing.T) {
	require.Equal(t, uint64(0), fmix64(0), "fmix64 maps zero to zero")
	// Neighbouring FNV outputs must land far apart in the top bits.
	require.NotEqual(t, fmix64(1)>>56, fmix64(2)>>56)
}

func TestHashKey(t *testing.T) {
	tests := []struct {
		key, want string
	}{
		{"plain", "plain"},
		{"{user1}.name", "user1"},
		{"prefix{tag}suffix", "tag"},
		{"a{}b", "a{}b"},     // empty tag: whole key
		{"{", "{"},           // no closing brace
		{"}", "}"},           // no opening brace
		{"x{y", "x{y"},       // no closing brace after '{'
		{"}{a}", "a"},        // the '}' before the '{' does not count
		{"{}{a}", "{}{a}"},   // only the first '{' counts, and its tag is empty
		{"{{a}}", "{a"},      // first '{' to first '}' after it
		{"a{b}c{d}", "b"},    // first tag only
		{"{a}}", "a"},        // first '}' after the '{'
		{"", ""},             // empty key
		{"{\x00}", "\x00"},   // any byte may be a tag
		{"{user1", "{user1"}, // unclosed
		{"{ab}", "ab"},       // whole key is a tag
		{"x{yz}", "yz"},      // tag at the end
		{"{x}y{z}", "x"},     // tag at the start
		{"{}", "{}"},         // empty tag alone
		{"{}}", "{}}"},       // first '}' follows immediately
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			require.Equal(t, tt.want, HashKey(tt.key))
		})
	}
}
