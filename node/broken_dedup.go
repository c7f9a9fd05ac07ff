//go:build treekv_broken_dedup

package node

// brokenDedup reports whether this build's state machine ignores
// idempotency keys, applying every retry again: a deliberately broken
// variant (build tag treekv_broken_dedup) that the Jepsen checkers must
// catch.
func brokenDedup() bool { return true }
