// Package raftnet carries the Raft replication traffic of all of a node's
// groups to each peer node over one connection.
//
// hashicorp/raft's NetworkTransport gives every group its own connections
// and encodes every AppendEntries with reflection-driven msgpack; with many
// groups per node most of a write's network cost is one write system call
// per request and per answer. A Net shares one connection per peer among
// the groups, writes whatever frames are queued for a connection with one
// system call, and encodes AppendEntries in a compact binary form.
//
// A Transport wraps a group's raft.NetworkTransport: AppendEntries (and so
// heartbeats) go through the Net, every other RPC (votes, snapshots,
// leadership transfers) through the wrapped transport, and Consumer yields
// the RPCs of both. Every node of a cluster must run a Net: a peer without
// one refuses the connection.
//
// # Wire format
//
// A connection is dialed through the Net's raft.StreamLayer. Each side then
// sends frames: a 4-byte little-endian length of the rest, a kind byte, and
//
//	request (1):  group u64, call u64, AppendEntriesRequest
//	answer (2):   call u64, AppendEntriesResponse
//	failure (3):  call u64, error text
//
// with integers as uvarints, byte strings length-prefixed, and the fields of
// the request and response in the order of their declaration (a log entry's
// AppendedAt as Unix nanoseconds, 0 for the zero time).
package raftnet
