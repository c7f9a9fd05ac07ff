package node

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Config configures a storage node. The zero value of every field but ID is
// useful.
type Config struct {
	// ID names the node in partition maps and Raft groups; required.
	ID string
	// HTTPAddr is where the data API listens. Default "127.0.0.1:0".
	HTTPAddr string
	// RaftAddr is where the node's one Raft listener, shared by all its
	// groups, listens. Default "127.0.0.1:0".
	RaftAddr string
	// RaftDialRewrite maps a peer's Raft address to the address this node
	// dials instead, as when a fault proxy stands between the two; the
	// partition map still names the peer's own address. Nil dials every
	// address as given.
	RaftDialRewrite map[string]string
	// DataDir keeps the partition map and every replica's Raft log and
	// snapshots, so a restarted node recovers all it acknowledged. Empty
	// means in-memory storage: for demos and tests only.
	DataDir string
	// RaftLog is where replicas keep their Raft logs under DataDir:
	// RaftLogShared (the default), one log for all of them whose writes
	// share fsyncs, or RaftLogBoltDB, a BoltDB file each. A replica created
	// with a BoltDB file keeps it.
	RaftLog string
	// Raft holds the timings and snapshot settings of every replica.
	Raft RaftConfig
	// FSM configures every replica's state machine.
	FSM FSMConfig
	// Limits bounds keys, values and request bodies.
	Limits Limits
	// WriteTimeout bounds how long a write waits to commit before it is
	// answered as indeterminate. Default 5s.
	WriteTimeout time.Duration
	// Controller is the base URL of the cluster's controller, such as
	// "http://127.0.0.1:8080", or a comma-separated list of the URLs of its
	// instances, tried in turn. When set, the node joins it at start and
	// heartbeats to it, installing the newer partition maps it answers.
	// Empty means no controller: maps and replicas are set by hand.
	Controller string
	// HeartbeatInterval is how often the node reports to the Controller.
	// Default 1s.
	HeartbeatInterval time.Duration
	// EnablePprof serves /debug/pprof/.
	EnablePprof bool
	// Logger receives the node's logs; nil discards them.
	Logger *slog.Logger
}

// Limits bounds the data API's input. The zero value takes the defaults.
type Limits struct {
	// MaxKeySize is the longest key in bytes. Default 4 KiB.
	MaxKeySize int
	// MaxValueSize is the largest value in bytes. Default 1 MiB.
	MaxValueSize int
	// MaxTxnOps is the most compares and operations one transaction may
	// carry. Default 128.
	MaxTxnOps int
	// MaxTxnSize is the largest transaction body in bytes. Default 4 MiB.
	MaxTxnSize int
	// MaxScanLimit is the largest page a scan may ask for. Default 10000.
	MaxScanLimit int
}

// Defaults of Limits.
const (
	DefaultMaxKeySize   = 4 << 10
	DefaultMaxValueSize = 1 << 20
	DefaultMaxTxnOps    = 128
	DefaultMaxTxnSize   = 4 << 20
	DefaultMaxScanLimit = 10000
	DefaultScanLimit    = 100
)

func (l Limits) withDefaults() Limits {
	setInt(&l.MaxKeySize, DefaultMaxKeySize)
	setInt(&l.MaxValueSize, DefaultMaxValueSize)
	setInt(&l.MaxTxnOps, DefaultMaxTxnOps)
	setInt(&l.MaxTxnSize, DefaultMaxTxnSize)
	setInt(&l.MaxScanLimit, DefaultMaxScanLimit)
	return l
}

func setInt(v *int, def int) {
	if *v == 0 {
		*v = def
	}
}

func (c Config) withDefaults() Config {
	if c.HTTPAddr == "" {
		c.HTTPAddr = "127.0.0.1:0"
	}
	if c.RaftAddr == "" {
		c.RaftAddr = "127.0.0.1:0"
	}
	if c.WriteTimeout == 0 {
		c.WriteTimeout = 5 * time.Second
	}
	if c.RaftLog == "" {
		c.RaftLog = RaftLogShared
	}
	if c.HeartbeatInterval == 0 {
		c.HeartbeatInterval = DefaultHeartbeatInterval
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	c.Limits = c.Limits.withDefaults()
	return c
}

// Validate reports the first setting that cannot work.
func (c Config) Validate() error {
	if c.ID == "" {
		return errors.New("node ID is empty")
	}
	l := c.Limits
	if l.MaxKeySize < 0 || l.MaxValueSize < 0 || l.MaxTxnOps < 0 || l.MaxTxnSize < 0 || l.MaxScanLimit < 0 {
		return fmt.Errorf("limits cannot be negative: %+v", l)
	}
	if c.RaftLog != "" && c.RaftLog != RaftLogShared && c.RaftLog != RaftLogBoltDB {
		return fmt.Errorf("RaftLog %q is neither %q nor %q", c.RaftLog, RaftLogShared, RaftLogBoltDB)
	}
	if c.WriteTimeout < 0 {
		return fmt.Errorf("WriteTimeout (%s) cannot be negative", c.WriteTimeout)
	}
	if err := validateController(c.Controller, c.HeartbeatInterval); err != nil {
		return err
	}
	return c.Raft.Validate()
}
