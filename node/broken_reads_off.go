//go:build !treekv_broken_reads

package node

// brokenLinearizableReads reports whether this build serves linearizable
// reads without leader verification; never in a normal build.
func brokenLinearizableReads() bool { return false }
