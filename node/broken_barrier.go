//go:build treekv_broken_barrier

package node

// brokenBarrier reports whether this build's new leaders serve
// linearizable reads as soon as they lead, without waiting for their
// barrier to apply: a deliberately broken variant (build tag
// treekv_broken_barrier) that the Jepsen checkers must catch.
func brokenBarrier() bool { return true }
