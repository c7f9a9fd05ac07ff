package raftnet

import "sync/atomic"

// Stats counts what a Net did since it started.
type Stats struct {
	// Appends is how many AppendEntries requests, heartbeats included, its
	// groups sent or tried to send.
	Appends uint64
	// AppendFailures is how many of them failed: no connection to the peer,
	// a connection that broke, no answer in time, or a peer that refused
	// the request (a group it does not host).
	AppendFailures uint64
	// Dials is how many connections it dialed to its peers.
	Dials uint64
}

// counters are a Net's Stats as it counts them.
type counters struct {
	appends, appendFailures, dials atomic.Uint64
}

// Stats returns what n did so far. It is safe for concurrent use.
func (n *Net) Stats() Stats {
	return Stats{
		Appends:        n.counters.appends.Load(),
		AppendFailures: n.counters.appendFailures.Load(),
		Dials:          n.counters.dials.Load(),
	}
}
