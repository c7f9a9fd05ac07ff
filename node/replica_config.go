package node

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/hashicorp/raft"
	"github.com/treekv/kv/node/raftlog"
)

// RaftConfig holds the Raft settings of every replica on a node. The zero
// value takes the defaults named on each field.
type RaftConfig struct {
	// HeartbeatTimeout is how long a follower waits for the leader before it
	// starts an election. Default 1s.
	HeartbeatTimeout time.Duration
	// ElectionTimeout is how long a candidate waits for votes. Default 1s.
	ElectionTimeout time.Duration
	// LeaderLeaseTimeout is how long a leader stays leader without reaching
	// a quorum. Default 500ms; must not exceed HeartbeatTimeout.
	LeaderLeaseTimeout time.Duration
	// CommitTimeout bounds the delay before an idle leader heartbeats. Default 50ms.
	CommitTimeout time.Duration
	// SnapshotThreshold is how many log entries trigger a snapshot. Default 8192.
	SnapshotThreshold uint64
	// SnapshotInterval is how often the threshold is checked. Default 2m.
	SnapshotInterval time.Duration
	// TrailingLogs is how many entries a snapshot leaves in the log so a
	// slow follower can catch up without a snapshot. Default 10240.
	TrailingLogs uint64
}

func (c RaftConfig) withDefaults() RaftConfig {
	def := raft.DefaultConfig()
	setDuration(&c.HeartbeatTimeout, def.HeartbeatTimeout)
	setDuration(&c.ElectionTimeout, def.ElectionTimeout)
	setDuration(&c.LeaderLeaseTimeout, def.LeaderLeaseTimeout)
	setDuration(&c.CommitTimeout, def.CommitTimeout)
	setDuration(&c.SnapshotInterval, def.SnapshotInterval)
	if c.SnapshotThreshold == 0 {
		c.SnapshotThreshold = def.SnapshotThreshold
	}
	if c.TrailingLogs == 0 {
		c.TrailingLogs = def.TrailingLogs
	}
	return c
}

func setDuration(d *time.Duration, def time.Duration) {
	if *d == 0 {
		*d = def
	}
}

// Validate reports the first setting that cannot work, after defaults.
func (c RaftConfig) Validate() error {
	c = c.withDefaults()
	if c.LeaderLeaseTimeout > c.HeartbeatTimeout {
		return fmt.Errorf("LeaderLeaseTimeout (%s) cannot be larger than HeartbeatTimeout (%s)",
			c.LeaderLeaseTimeout, c.HeartbeatTimeout)
	}
	if c.ElectionTimeout < c.HeartbeatTimeout {
		return fmt.Errorf("ElectionTimeout (%s) must be at least HeartbeatTimeout (%s)",
			c.ElectionTimeout, c.HeartbeatTimeout)
	}
	return nil
}

func (c RaftConfig) raftConfig(nodeID string, notify chan<- bool, logger *slog.Logger) *raft.Config {
	c = c.withDefaults()
	rc := raft.DefaultConfig()
	rc.LocalID = raft.ServerID(nodeID)
	rc.HeartbeatTimeout = c.HeartbeatTimeout
	rc.ElectionTimeout = c.ElectionTimeout
	rc.LeaderLeaseTimeout = c.LeaderLeaseTimeout
	rc.CommitTimeout = c.CommitTimeout
	rc.SnapshotThreshold = c.SnapshotThreshold
	rc.SnapshotInterval = c.SnapshotInterval
	rc.TrailingLogs = c.TrailingLogs
	// Proposals queue up while the leader loop appends the previous batch,
	// so concurrent writes share one log append and one round of replication.
	rc.BatchApplyCh = true
	rc.NotifyCh = notify
	rc.Logger = newRaftLogger(logger)
	return rc
}

// ReplicaConfig configures one replica of a partition's Raft group.
type ReplicaConfig struct {
	// Partition is the ID of the partition this replica belongs to.
	Partition uint64
	// NodeID is the Raft server ID of this replica: its node's ID.
	NodeID string
	// Dir holds the replica's durable Raft log, stable store and snapshots.
	// Empty means in-memory stores: for demos and tests only, as a restart
	// loses everything.
	Dir string
	// SharedLog, when set with Dir, keeps the replica's Raft log and stable
	// state in this log shared with the node's other replicas (snapshots
	// stay under Dir). Nil gives the replica a raft-boltdb file of its own.
	SharedLog *raftlog.Log
	// Transport carries Raft traffic; required.
	Transport raft.Transport
	// Raft holds timings and snapshot settings.
	Raft RaftConfig
	// FSM configures the state machine.
	FSM FSMConfig
	// Logger receives the replica's logs; nil discards them.
	Logger *slog.Logger
}

func (c ReplicaConfig) validate() error {
	if c.NodeID == "" {
		return fmt.Errorf("replica of partition %d: NodeID is empty", c.Partition)
	}
	if c.Transport == nil {
		return fmt.Errorf("replica of partition %d: Transport is nil", c.Partition)
	}
	return c.Raft.Validate()
}
