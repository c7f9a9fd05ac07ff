package node

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"

	"github.com/hashicorp/raft"
	"github.com/treekv/kv/node/part"
)

const partitionsDir = "partitions"

// sharedRaftGroup is the mux group of the connections the node's replicas
// share for replication (see raftnet); a valid map never gives a partition
// this ID.
const sharedRaftGroup = part.ReservedID

// CreateReplica starts this node's replica of partition id, which the
// current map must hold. With bootstrap, the map must place a replica on
// this node, and a replica without state gives the group its first
// configuration (the map's replica set). Otherwise the replica waits for the
// group's leader to add it, so a move may create it before the map names
// this node. A partition this node already hosts fails with ErrConflict,
// which a caller retrying a creation may treat as success.
func (n *Node) CreateReplica(id uint64, bootstrap bool) error {
	m, err := n.currentMap()
	if err != nil {
		return err
	}
	p, ok := m.Partition(id)
	if !ok {
		return Errorf(ErrNotFound, "partition %d is not in the map", id)
	}
	if bootstrap && !slices.Contains(p.Replicas, n.cfg.ID) {
		return Errorf(ErrBadRequest, "partition %d has no replica on node %s", id, n.cfg.ID)
	}
	r, err := n.openReplica(id)
	if err != nil {
		return err
	}
	if bootstrap {
		return r.Bootstrap(servers(m, p))
	}
	return nil
}

func servers(m *part.Map, p part.Partition) []raft.Server {
	out := make([]raft.Server, 0, len(p.Replicas))
	for _, id := range p.Replicas {
		info, _ := m.Node(id)
		out = append(out, raft.Server{Suffrage: raft.Voter, ID: raft.ServerID(id), Address: raft.ServerAddress(info.RaftAddr)})
	}
	return out
}

// openReplica starts the replica of partition id and registers it.
func (n *Node) openReplica(id uint64) (*Replica, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if _, ok := n.replicas[id]; ok {
		return nil, Errorf(ErrConflict, "node %s already hosts partition %d", n.cfg.ID, id)
	}
	layer, err := n.mux.Layer(id)
	if err != nil {
		return nil, Errorf(ErrInternal, "raft listener for partition %d: %v", id, err)
	}
	transport, err := n.raftNet.Transport(id, newGroupTransport(layer, n.logger))
	if err != nil {
		return nil, errors.Join(Errorf(ErrInternal, "raft transport of partition %d: %v", id, err), layer.Close())
	}
	r, err := NewReplica(ReplicaConfig{
		Partition: id,
		NodeID:    n.cfg.ID,
		Dir:       n.replicaDir(id),
		SharedLog: n.sharedLog,
		Transport: transport,
		Raft:      n.cfg.Raft,
		FSM:       n.cfg.FSM,
		Logger:    n.logger,
	})
	if err != nil {
		return nil, errors.Join(Errorf(ErrInternal, "%v", err), transport.Close())
	}
	n.replicas[id] = r
	return r, nil
}

func (n *Node) replicaDir(id uint64) string {
	if n.cfg.DataDir == "" {
		return ""
	}
	return filepath.Join(n.cfg.DataDir, partitionsDir, strconv.FormatUint(id, 10))
}

// reopen loads the saved map and restarts every replica found on disk.
func (n *Node) reopen() error {
	if err := n.loadMap(); err != nil {
		return err
	}
	if n.cfg.DataDir == "" {
		return nil
	}
	entries, err := os.ReadDir(filepath.Join(n.cfg.DataDir, partitionsDir))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		id, err := strconv.ParseUint(e.Name(), 10, 64)
		if err != nil || !e.IsDir() {
			continue
		}
		if _, err := n.openReplica(id); err != nil {
			return fmt.Errorf("reopen partition %d: %w", id, err)
		}
	}
	return nil
}

// Replica returns this node's replica of partition id, if it hosts one.
func (n *Node) Replica(id uint64) (*Replica, bool) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	r, ok := n.replicas[id]
	return r, ok
}

// Replicas returns the status of every replica on this node, by partition ID.
func (n *Node) Replicas() []ReplicaStatus {
	n.mu.RLock()
	list := make([]*Replica, 0, len(n.replicas))
	for _, r := range n.replicas {
		list = append(list, r)
	}
	n.mu.RUnlock()
	out := make([]ReplicaStatus, 0, len(list))
	for _, r := range list {
		out = append(out, r.Status())
	}
	slices.SortFunc(out, func(a, b ReplicaStatus) int { return cmp.Compare(a.Partition, b.Partition) })
	return out
}

// RemoveReplica shuts down this node's replica of partition id and deletes
// its data. It does not change the group's membership: remove the server
// from the group first.
func (n *Node) RemoveReplica(id uint64) error {
	n.mu.Lock()
	r, ok := n.replicas[id]
	delete(n.replicas, id)
	n.mu.Unlock()
	if !ok {
		return Errorf(ErrNotFound, "node %s hosts no replica of partition %d", n.cfg.ID, id)
	}
	err := errors.Join(r.Close(), dropSharedGroup(n.sharedLog, id))
	if dir := n.replicaDir(id); dir != "" {
		err = errors.Join(err, os.RemoveAll(dir))
	}
	return err
}

func (n *Node) closeReplicas() error {
	n.mu.Lock()
	list := n.replicas
	n.replicas = map[uint64]*Replica{}
	n.mu.Unlock()
	var wg sync.WaitGroup
	errs := make([]error, 0, len(list))
	var mu sync.Mutex
	for _, r := range list {
		wg.Go(func() {
			err := r.Close()
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
