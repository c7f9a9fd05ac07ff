//go:build treekv_broken_reads

package node

// brokenLinearizableReads reports whether this build serves linearizable
// reads from any local replica without a read barrier: a deliberately
// broken variant (build tag treekv_broken_reads) that the Jepsen checkers
// must catch.
func brokenLinearizableReads() bool { return true }
