//go:build !treekv_broken_dedup

package node

// brokenDedup reports whether this build's state machine ignores
// idempotency keys; never in a normal build.
func brokenDedup() bool { return false }
