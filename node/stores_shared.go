package node

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/raft"
	"github.com/treekv/kv/node/raftlog"
)

// Raft log stores a node can keep its replicas' logs in.
const (
	// RaftLogShared keeps every replica's log and stable state in one log
	// per node (package raftlog), whose writes from all groups share each
	// fsync: partitions do not cost write throughput.
	RaftLogShared = "shared"
	// RaftLogBoltDB keeps each replica's log and stable state in a BoltDB
	// file of its own (raft-boltdb), each group paying its own fsyncs.
	RaftLogBoltDB = "boltdb"
)

// raftLogDir is the shared log's directory in a node's data directory.
const raftLogDir = "raftlog"

// boltFile is a replica's raft-boltdb file in its directory.
const boltFile = "raft.db"

// openSharedLog opens the node's shared Raft log under dataDir.
func openSharedLog(dataDir string) (*raftlog.Log, error) {
	log, err := raftlog.Open(filepath.Join(dataDir, raftLogDir), raftlog.Options{})
	if err != nil {
		return nil, fmt.Errorf("open the shared raft log: %w", err)
	}
	return log, nil
}

// usesBolt reports whether the replica directory dir holds a raft-boltdb
// file, which a replica created with RaftLogBoltDB keeps using.
func usesBolt(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, boltFile))
	return err == nil
}

// openGroupStores opens the stores of partition pid's replica: its log and
// stable state in the node's shared log, its snapshots under dir.
func openGroupStores(dir string, shared *raftlog.Log, pid uint64, logger hclog.Logger) (*raftStores, error) {
	group, err := shared.Group(pid)
	if err != nil {
		return nil, fmt.Errorf("open raft log: %w", err)
	}
	snaps, err := raft.NewFileSnapshotStoreWithLogger(dir, snapshotsRetained, logger)
	if err != nil {
		return nil, fmt.Errorf("open snapshot store: %w", err)
	}
	cached, err := raft.NewLogCache(logCacheSize, group)
	if err != nil {
		return nil, err
	}
	// The shared log outlives the replica: closing the replica only stops
	// Raft's late writes, which would fail once the node closes the log.
	stable := &closingStable{inner: group, closer: io.NopCloser(nil)}
	return &raftStores{logs: cached, stable: stable, snaps: snaps, closer: stable}, nil
}

// dropSharedGroup forgets partition pid's entries in the shared log, if
// the node has one.
func dropSharedGroup(shared *raftlog.Log, pid uint64) error {
	if shared == nil {
		return nil
	}
	if err := shared.DropGroup(pid); err != nil && !errors.Is(err, raftlog.ErrClosed) {
		return fmt.Errorf("drop partition %d from the shared raft log: %w", pid, err)
	}
	return nil
}
