package controller

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/treekv/kv/node"
	"github.com/treekv/kv/node/part"
)

// Config configures a controller instance. The zero value of every field
// but ID is useful.
type Config struct {
	// ID names the instance in the controller's Raft group; required.
	ID string
	// HTTPAddr is where the API and dashboard listen. Default "127.0.0.1:0".
	HTTPAddr string
	// RaftAddr is where the controller group's Raft traffic listens.
	// Default "127.0.0.1:0".
	RaftAddr string
	// DataDir keeps the controller's Raft log and snapshots; empty means
	// in memory (demos and tests only).
	DataDir string
	// Join is the base URL of a running controller instance to join; empty
	// starts a new controller group with this instance as its only member.
	Join string
	// Raft holds the controller group's Raft timings.
	Raft node.RaftConfig
	// Partitioner, Partitions, SplitKeys and Replicas shape the partition
	// map planned once Replicas nodes have joined (see part.PlanConfig).
	Partitioner string
	Partitions  int
	SplitKeys   []string
	Replicas    int
	// Health thresholds: a node whose last heartbeat is older than
	// SuspectAfter is suspect (default 3s), older than DownAfter is down
	// (default 10s); the replicas of a node down longer than ReplaceAfter
	// are re-created elsewhere (default 30s).
	SuspectAfter time.Duration
	DownAfter    time.Duration
	ReplaceAfter time.Duration
	// Tick is how often the leader checks health and schedules work.
	// Default 500ms.
	Tick time.Duration
	// MaxMoves bounds the replica moves in flight at once. Default 2.
	MaxMoves int
	// CatchUpLag is how many entries a learner may trail its leader's
	// commit index and still be promoted. Default 64.
	CatchUpLag uint64
	// Local, when set, runs storage nodes in this process: the dashboard
	// may then stop, restart and isolate them.
	Local LocalNodes
	// Logger receives the controller's logs; nil discards them.
	Logger *slog.Logger
}

// LocalNodes controls storage nodes that run in the controller's process.
type LocalNodes interface {
	// StopNode stops the node as a process shutdown would.
	StopNode(id string) error
	// RestartNode starts a stopped node again on its data.
	RestartNode(id string) error
	// SetIsolated cuts the node off from its peers, or heals it.
	SetIsolated(id string, isolated bool) error
}

func (c Config) withDefaults() Config {
	setString(&c.HTTPAddr, "127.0.0.1:0")
	setString(&c.RaftAddr, "127.0.0.1:0")
	setDuration(&c.SuspectAfter, 3*time.Second)
	setDuration(&c.DownAfter, 10*time.Second)
	setDuration(&c.ReplaceAfter, 30*time.Second)
	setDuration(&c.Tick, 500*time.Millisecond)
	if c.Replicas == 0 {
		c.Replicas = part.DefaultReplicas
	}
	if c.MaxMoves == 0 {
		c.MaxMoves = 2
	}
	if c.CatchUpLag == 0 {
		c.CatchUpLag = 64
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

func setString(s *string, def string) {
	if *s == "" {
		*s = def
	}
}

func setDuration(d *time.Duration, def time.Duration) {
	if *d == 0 {
		*d = def
	}
}

// Validate reports the first setting that cannot work.
func (c Config) Validate() error {
	c = c.withDefaults()
	switch {
	case c.ID == "":
		return errors.New("controller ID is empty")
	case c.Replicas < 1:
		return fmt.Errorf("Replicas (%d) must be at least 1", c.Replicas)
	case c.DownAfter <= c.SuspectAfter:
		return fmt.Errorf("DownAfter (%s) must be longer than SuspectAfter (%s)", c.DownAfter, c.SuspectAfter)
	case c.MaxMoves < 1:
		return fmt.Errorf("MaxMoves (%d) must be at least 1", c.MaxMoves)
	}
	return c.Raft.Validate()
}

func (c Config) planConfig(nodes []part.NodeInfo) part.PlanConfig {
	return part.PlanConfig{
		Partitioner: c.Partitioner, Partitions: c.Partitions, SplitKeys: c.SplitKeys,
		Replicas: c.Replicas, Nodes: nodes,
	}
}
