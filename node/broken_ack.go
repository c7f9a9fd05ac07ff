//go:build treekv_broken_ack

package node

// brokenAck reports whether this build answers a proposal with success as
// soon as Raft has queued it, without waiting for it to commit and apply:
// a deliberately broken variant (build tag treekv_broken_ack) that the
// Jepsen checkers must catch.
func brokenAck() bool { return true }
