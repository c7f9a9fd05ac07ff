//go:build !treekv_broken_stores

package node

// brokenStores reports whether this build ignores data directories and
// keeps Raft state in memory; never in a normal build.
func brokenStores() bool { return false }
