//go:build treekv_broken_stores

package node

// brokenStores reports whether this build keeps every replica's Raft log,
// stable store and snapshots in memory even when it has a data directory,
// so a restarted node comes back empty: a deliberately broken variant
// (build tag treekv_broken_stores) that the Jepsen checkers must catch.
func brokenStores() bool { return true }
