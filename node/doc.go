// Package node is treekv's storage node. A Node hosts replicas of any number
// of partitions; each partition is one hashicorp/raft group whose state
// machine (FSM) keeps the partition's keys in an in-memory B-tree with their
// revisions, and a table of idempotency records so that a retried write
// applies once. All groups of a node share one TCP listener (package mux).
//
// Every node serves the HTTP data API of the design: it answers from its own
// replica when it may (the leader for writes and linearizable reads, any
// replica for stale reads) and otherwise forwards the request to the node
// that can. Linearizable reads follow the ReadIndex protocol: a new leader
// first commits an entry of its own term, then each read notes the commit
// index, confirms leadership with a quorum (batched across concurrent
// readers) and waits for the state machine to apply that index.
//
// Errors are the sentinels of errors.go, each mapped to one API error code.
// A write whose outcome is unknown is reported as ErrIndeterminate, never as
// a failure. The package never imports the root package kv.
package node
