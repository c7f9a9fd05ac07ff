package node

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/hashicorp/raft"
)

// Replica is one member of a partition's Raft group: the group's log, its
// state machine and the machinery for linearizable reads. It is safe for
// concurrent use. Close shuts Raft down and waits for every goroutine the
// replica started.
type Replica struct {
	partition uint64
	nodeID    string
	raft      *raft.Raft
	fsm       *FSM
	stores    *raftStores
	transport raft.Transport
	lead      *leadership
	verifier  *leaderVerifier
	notify    chan bool
	requests  *rateMeter // requests served by this replica
	logger    *slog.Logger
	wg        sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
}

// NewReplica opens the replica's stores and starts its Raft instance. A new
// replica with no existing state waits to be bootstrapped or to be contacted
// by its group's leader.
func NewReplica(cfg ReplicaConfig) (*Replica, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	logger = logger.With("partition", cfg.Partition)
	r := &Replica{
		partition: cfg.Partition,
		nodeID:    cfg.NodeID,
		fsm:       NewFSM(cfg.FSM),
		transport: cfg.Transport,
		lead:      newLeadership(),
		notify:    make(chan bool, 16),
		requests:  newRateMeter(time.Now),
		logger:    logger,
	}
	rc := cfg.Raft.raftConfig(cfg.NodeID, r.notify, logger)
	stores, err := openStores(cfg, rc.Logger)
	if err != nil {
		return nil, fmt.Errorf("replica of partition %d: %w", cfg.Partition, err)
	}
	r.stores = stores
	r.raft, err = raft.NewRaft(rc, r.fsm, stores.logs, stores.stable, stores.snaps, cfg.Transport)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("replica of partition %d: %w", cfg.Partition, err), stores.closer.Close())
	}
	r.verifier = newLeaderVerifier(r.raft)
	r.wg.Add(1)
	go r.watchLeadership()
	return r, nil
}

// Partition returns the ID of the replica's partition.
func (r *Replica) Partition() uint64 { return r.partition }

// FSM returns the replica's state machine, for local (stale) reads.
func (r *Replica) FSM() *FSM { return r.fsm }

// Raft returns the underlying Raft instance, for membership changes and tests.
func (r *Replica) Raft() *raft.Raft { return r.raft }

// Bootstrap gives a new group its first configuration. It does nothing on a
// replica that already has state, so a restarted replica may call it again.
func (r *Replica) Bootstrap(servers []raft.Server) error {
	has, err := raft.HasExistingState(r.stores.logs, r.stores.stable, r.stores.snaps)
	if err != nil || has {
		return err
	}
	err = r.raft.BootstrapCluster(raft.Configuration{Servers: servers}).Error()
	if errors.Is(err, raft.ErrCantBootstrap) {
		return nil
	}
	return err
}

// IsLeader reports whether this replica currently leads its group.
func (r *Replica) IsLeader() bool { return r.raft.State() == raft.Leader }

// Leader returns the node ID and Raft address of the group's leader as this
// replica knows it; both are empty when no leader is known.
func (r *Replica) Leader() (id, addr string) {
	a, i := r.raft.LeaderWithID()
	return string(i), string(a)
}

// notLeader returns the error for a request this replica cannot lead.
func (r *Replica) notLeader() error {
	id, addr := r.Leader()
	if id == r.nodeID {
		id, addr = "", ""
	}
	return &NotLeaderError{LeaderID: id, Addr: addr}
}

// Close shuts the replica down: Raft stops, the stores and the transport
// close, and every goroutine of the replica has returned.
func (r *Replica) Close() error {
	r.closeOnce.Do(func() {
		// The verifier first, while Raft still answers its pending round:
		// a round queued as Raft shuts down would never be answered.
		r.verifier.close()
		err := r.raft.Shutdown().Error()
		close(r.notify)
		r.wg.Wait()
		var terr error
		if c, ok := r.transport.(raft.WithClose); ok {
			terr = c.Close()
		}
		r.closeErr = errors.Join(err, terr, r.stores.closer.Close())
	})
	return r.closeErr
}
