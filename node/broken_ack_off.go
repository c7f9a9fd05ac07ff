//go:build !treekv_broken_ack

package node

// brokenAck reports whether this build acknowledges proposals before they
// apply; never in a normal build.
func brokenAck() bool { return false }
