package node

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/raft"
	raftboltdb "github.com/hashicorp/raft-boltdb/v2"
)

// raftStores are the log, stable and snapshot stores of one replica.
type raftStores struct {
	logs   raft.LogStore
	stable raft.StableStore
	snaps  raft.SnapshotStore
	closer io.Closer
}

const (
	snapshotsRetained = 2
	logCacheSize      = 512
)

// openStores opens durable stores under dir, or in-memory ones when dir is empty.
func openStores(dir string, logger hclog.Logger) (*raftStores, error) {
	if dir == "" {
		mem := raft.NewInmemStore()
		return &raftStores{logs: mem, stable: mem, snaps: raft.NewInmemSnapshotStore(), closer: io.NopCloser(nil)}, nil
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create replica directory: %w", err)
	}
	bolt, err := raftboltdb.New(raftboltdb.Options{Path: filepath.Join(dir, "raft.db")})
	if err != nil {
		return nil, fmt.Errorf("open raft log: %w", err)
	}
	snaps, err := raft.NewFileSnapshotStoreWithLogger(dir, snapshotsRetained, logger)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("open snapshot store: %w", err), bolt.Close())
	}
	cached, err := raft.NewLogCache(logCacheSize, bolt)
	if err != nil {
		return nil, errors.Join(err, bolt.Close())
	}
	return &raftStores{logs: cached, stable: bolt, snaps: snaps, closer: bolt}, nil
}
