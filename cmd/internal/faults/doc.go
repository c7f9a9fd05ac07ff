// Package faults injects the failures of a Jepsen-style test into real
// processes on loopback, without root: a Proxy stands on one network link
// and can cut it, make it lossy or slow it down per direction, and a
// Process runs a built binary that can be killed, paused, resumed, stopped
// and restarted.
//
// A storage node reaches a peer's Raft port through a Proxy by way of the
// node's -raft-dial-rewrite flag (node.Config.RaftDialRewrite): node i maps
// node j's Raft address to the address of proxy(i->j).
package faults
