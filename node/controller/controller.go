package controller

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/hashicorp/raft"
	"github.com/treekv/kv/node"
	"github.com/treekv/kv/node/mux"
)

// Controller is one controller instance. It is safe for concurrent use;
// Close stops it and waits for everything it started.
type Controller struct {
	cfg     Config
	logger  *slog.Logger
	mux     *mux.Mux
	rep     *node.Replica
	store   *store
	health  *health
	events  *eventLog
	nodes   *nodeAPI
	httpLn  net.Listener
	server  *http.Server
	forward *forwarder
	sched   *scheduler
	cancel  context.CancelFunc
	done    chan struct{} // closed when Close begins: ends event streams and long polls
	wg      sync.WaitGroup
	once    sync.Once
}

// controllerGroup is the Raft group ID of the controller's own state.
const controllerGroup = 0

// New starts a controller instance: its Raft group member, its API and,
// on the leader, the scheduling loop.
func New(cfg Config) (*Controller, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	c := &Controller{cfg: cfg, logger: cfg.Logger.With("controller", cfg.ID),
		health: newHealth(cfg), events: newEventLog(), nodes: newNodeAPI(), done: make(chan struct{})}
	if err := c.listen(); err != nil {
		return nil, err
	}
	if err := c.startRaft(); err != nil {
		return nil, errors.Join(err, c.Close())
	}
	c.forward = newForwarder()
	c.sched = newScheduler(c)
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	c.serve()
	c.wg.Go(func() { c.sched.run(ctx) })
	if cfg.Join != "" {
		c.wg.Go(func() { c.join(ctx) })
	}
	return c, nil
}

func (c *Controller) listen() error {
	raftMux, httpLn, err := node.Listen(c.cfg.RaftAddr, c.cfg.HTTPAddr, c.logger)
	c.mux, c.httpLn = raftMux, httpLn
	return err
}

func (c *Controller) startRaft() error {
	layer, err := c.mux.Layer(controllerGroup)
	if err != nil {
		return err
	}
	dir := ""
	if c.cfg.DataDir != "" {
		dir = filepath.Join(c.cfg.DataDir, "raft")
	}
	c.rep, err = node.NewReplica(node.ReplicaConfig{
		Partition: controllerGroup, NodeID: c.cfg.ID, Dir: dir, Raft: c.cfg.Raft, Logger: c.logger,
		Transport: raft.NewNetworkTransportWithConfig(&raft.NetworkTransportConfig{
			Stream: layer, MaxPool: 3, Timeout: 10 * time.Second,
			// No pipelining: in hashicorp/raft v1.7.3 a follower's failed answer can
			// leave a pipeline's sender and decoder blocked on each other for good,
			// starving that follower and hanging Shutdown.
			MaxRPCsInFlight: 1,
		}),
	})
	if err != nil {
		return err
	}
	c.store = &store{rep: c.rep}
	if c.cfg.Join != "" {
		return nil
	}
	return c.rep.Bootstrap([]raft.Server{{Suffrage: raft.Voter, ID: raft.ServerID(c.cfg.ID), Address: raft.ServerAddress(c.RaftAddr())}})
}

func (c *Controller) serve() {
	c.server = &http.Server{
		Handler:           c.handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	c.wg.Go(func() {
		if err := c.server.Serve(c.httpLn); !errors.Is(err, http.ErrServerClosed) {
			c.logger.Error("controller http server", "err", err)
		}
	})
	c.logger.Info("controller serving", "http", c.HTTPAddr(), "raft", c.RaftAddr())
}

// ID returns the instance's ID.
func (c *Controller) ID() string { return c.cfg.ID }

// HTTPAddr returns the address the API listens on.
func (c *Controller) HTTPAddr() string { return c.httpLn.Addr().String() }

// RaftAddr returns the address of the instance's Raft listener.
func (c *Controller) RaftAddr() string { return c.mux.Addr().String() }

// IsLeader reports whether this instance leads the controller group.
func (c *Controller) IsLeader() bool { return c.rep != nil && c.rep.IsLeader() }

// Close stops the instance: the API (after requests in flight, including
// event streams, which end), the scheduling loop and its Raft member.
func (c *Controller) Close() error {
	var errs []error
	c.once.Do(func() {
		close(c.done)
		if c.cancel != nil {
			c.cancel()
		}
		if c.server != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			errs = append(errs, c.server.Shutdown(ctx))
		} else if c.httpLn != nil {
			errs = append(errs, c.httpLn.Close())
		}
		c.wg.Wait()
		if c.rep != nil {
			errs = append(errs, c.rep.Close())
		}
		if c.forward != nil {
			c.forward.close()
		}
		errs = append(errs, c.mux.Close())
	})
	return errors.Join(errs...)
}
