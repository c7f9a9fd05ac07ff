package part

import "strings"

// FNV-1a 64 parameters.
const (
	fnvOffset64 = 14695981039346656037
	fnvPrime64  = 1099511628211
)

// Hash64 returns a fixed 64-bit hash of s: FNV-1a 64 followed by the murmur3
// fmix64 finalizer, which spreads every input bit over the top bits. The
// value depends only on the bytes of s; it is the same in every process and
// every release, since positions of stored keys are derived from it.
func Hash64(s string) uint64 {
	h := uint64(fnvOffset64)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime64
	}
	return fmix64(h)
}

// fmix64 is the finalizer of MurmurHash3 x64: a bijection that makes every
// output bit depend on every input bit.
func fmix64(k uint64) uint64 {
	k ^= k >> 33
	k *= 0xff51afd7ed558ccd
	k ^= k >> 33
	k *= 0xc4ceb9fe1a85ec53
	k ^= k >> 33
	return k
}

// HashKey returns the part of key that is hashed, following Redis Cluster's
// hash tags: when key contains a '{', and a '}' follows the first '{' with at
// least one byte between them, only the bytes between that first '{' and the
// first '}' after it are hashed; otherwise the whole key is. Keys sharing a
// tag, such as "{user1}.name" and "{user1}.mail", therefore share a position.
func HashKey(key string) string {
	open := strings.IndexByte(key, '{')
	if open < 0 {
		return key
	}
	n := strings.IndexByte(key[open+1:], '}')
	if n <= 0 {
		return key
	}
	return key[open+1 : open+1+n]
}
