//go:build !treekv_broken_barrier

package node

// brokenBarrier reports whether this build's new leaders serve reads
// before their barrier applied; never in a normal build.
func brokenBarrier() bool { return false }
