package node

import (
	"log/slog"
	"time"

	"github.com/hashicorp/raft"
)

// transportTimeout bounds one Raft RPC between nodes.
const transportTimeout = 10 * time.Second

// newGroupTransport returns the NetworkTransport of one group's Raft over
// layer. raftnet carries the group's AppendEntries; what is left to this
// transport is rare: votes, leadership transfers and snapshots. So it
// keeps no idle connections (MaxPool 0) and dials each RPC afresh: a pooled
// connection that a peer's restart or a healed partition has cut would
// fail the next vote with EOF and cost an election round, just when the
// group needs a leader.
func newGroupTransport(layer raft.StreamLayer, logger *slog.Logger) *raft.NetworkTransport {
	return raft.NewNetworkTransportWithConfig(&raft.NetworkTransportConfig{
		Stream: layer, MaxPool: 0, Timeout: transportTimeout, Logger: newRaftLogger(logger),
		// No pipelining: in hashicorp/raft v1.7.3 a follower's failed answer can
		// leave a pipeline's sender and decoder blocked on each other for good,
		// starving that follower and hanging Shutdown.
		MaxRPCsInFlight: 1,
	})
}
