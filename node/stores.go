package node

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

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

// openStores opens the durable stores of cfg's replica under cfg.Dir, or
// in-memory ones when it is empty. The log and stable state go to
// cfg.SharedLog when given, unless the directory already holds a
// raft-boltdb file, which the replica keeps.
func openStores(cfg ReplicaConfig, logger hclog.Logger) (*raftStores, error) {
	dir := cfg.Dir
	if dir == "" {
		return memStores(), nil
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create replica directory: %w", err)
	}
	if brokenStores() {
		return memStores(), nil
	}
	if cfg.SharedLog != nil && !usesBolt(dir) {
		return openGroupStores(dir, cfg.SharedLog, cfg.Partition, logger)
	}
	bolt, err := raftboltdb.New(raftboltdb.Options{Path: filepath.Join(dir, boltFile)})
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
	stable := &closingStable{inner: bolt, closer: bolt}
	return &raftStores{logs: cached, stable: stable, snaps: snaps, closer: stable}, nil
}

// memStores returns in-memory stores, which a restart loses.
func memStores() *raftStores {
	mem := raft.NewInmemStore()
	return &raftStores{logs: mem, stable: mem, snaps: raft.NewInmemSnapshotStore(), closer: io.NopCloser(nil)}
}

// closingStable guards the stable store against Raft's heartbeat fast path,
// which the transport runs on its own goroutines and which can still be
// finishing a heartbeat after Raft has shut down. Close waits for calls in
// flight; later writes are dropped and reads find nothing, since the Raft
// instance they come from is gone (and Raft panics on a failed write).
type closingStable struct {
	mu     sync.RWMutex
	closed bool
	inner  raft.StableStore
	closer io.Closer
}

func (s *closingStable) Set(key, val []byte) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil
	}
	return s.inner.Set(key, val)
}

func (s *closingStable) Get(key []byte) ([]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, errStoreClosed
	}
	return s.inner.Get(key)
}

func (s *closingStable) SetUint64(key []byte, val uint64) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil
	}
	return s.inner.SetUint64(key, val)
}

func (s *closingStable) GetUint64(key []byte) (uint64, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return 0, errStoreClosed
	}
	return s.inner.GetUint64(key)
}

// Close waits for calls in flight, then closes the store.
func (s *closingStable) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	return s.closer.Close()
}

var errStoreClosed = errors.New("raft store is closed")
