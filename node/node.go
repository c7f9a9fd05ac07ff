package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/treekv/kv/node/mux"
	"github.com/treekv/kv/node/part"
	"github.com/treekv/kv/node/raftlog"
	"github.com/treekv/kv/node/raftnet"
)

// Node is a storage node: it hosts any number of partition replicas, shares
// one Raft listener among them, and serves the HTTP data API, forwarding a
// request to the partition's leader when it is not the leader itself. It is
// safe for concurrent use; Close stops it gracefully.
type Node struct {
	cfg      Config
	logger   *slog.Logger
	mux      *mux.Mux
	raftNet  *raftnet.Net // replication traffic of every replica, one connection per peer
	httpLn   net.Listener
	server   *http.Server
	conns    *idleConns
	forward  *forwarder
	workers  *workPool // serves the requests of batches
	metrics  *metrics
	kvMeter  *routeMeter // the /v1/kv requests of batches served directly
	mu       sync.RWMutex
	pmap     *part.Map
	replicas map[uint64]*Replica
	// sharedLog holds every replica's Raft log with RaftLogShared and a
	// data directory; nil otherwise.
	sharedLog *raftlog.Log
	closed    atomic.Bool
	serveErr  chan error
	beater    *heartbeater // nil without a controller
}

// New starts a node: it listens for Raft and HTTP, reopens every replica
// found in its data directory, and begins serving. With a Controller it
// also starts joining and heartbeating to it.
func New(cfg Config) (*Node, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	n := &Node{cfg: cfg, logger: cfg.Logger.With("node", cfg.ID), replicas: map[uint64]*Replica{}}
	if err := n.listen(); err != nil {
		return nil, err
	}
	if err := n.openSharedLog(); err != nil {
		return nil, errors.Join(err, n.Close())
	}
	n.metrics = newMetrics(n)
	n.kvMeter = n.metrics.meter("kv")
	n.forward = newForwarder(cfg.ID)
	n.workers = newWorkPool(workerIdleTimeout)
	if err := n.reopen(); err != nil {
		return nil, errors.Join(err, n.Close())
	}
	n.serve()
	n.startHeartbeat()
	return n, nil
}

func (n *Node) listen() error {
	raftMux, httpLn, err := Listen(n.cfg.RaftAddr, n.cfg.HTTPAddr, n.logger)
	n.mux, n.httpLn = raftMux, httpLn
	if err != nil {
		return err
	}
	n.mux.SetDialRewrite(n.cfg.RaftDialRewrite)
	layer, err := n.mux.Layer(sharedRaftGroup)
	if err != nil {
		return errors.Join(err, n.mux.Close(), n.httpLn.Close())
	}
	n.raftNet = raftnet.New(layer, transportTimeout, n.logger)
	return nil
}

// Listen opens a server's two listeners: Raft traffic on raftAddr, shared by
// all its groups through a mux, and HTTP on httpAddr. On error it leaves
// nothing open.
func Listen(raftAddr, httpAddr string, logger *slog.Logger) (*mux.Mux, net.Listener, error) {
	raftLn, err := net.Listen("tcp", raftAddr)
	if err != nil {
		return nil, nil, fmt.Errorf("listen for raft on %s: %w", raftAddr, err)
	}
	httpLn, err := net.Listen("tcp", httpAddr)
	if err != nil {
		return nil, nil, errors.Join(fmt.Errorf("listen for http on %s: %w", httpAddr, err), raftLn.Close())
	}
	return mux.New(raftLn, logger), httpLn, nil
}

func (n *Node) serve() {
	n.conns = newIdleConns()
	n.server = newHTTPServer(n.handler(), n.conns)
	n.serveErr = make(chan error, 1)
	go func() { n.serveErr <- n.server.Serve(n.httpLn) }()
	n.logger.Info("node serving", "http", n.HTTPAddr(), "raft", n.RaftAddr())
}

// ID returns the node's ID.
func (n *Node) ID() string { return n.cfg.ID }

// HTTPAddr returns the address the data API listens on.
func (n *Node) HTTPAddr() string { return n.httpLn.Addr().String() }

// RaftAddr returns the address the node's Raft listener listens on.
func (n *Node) RaftAddr() string { return n.mux.Addr().String() }

// Info returns the node as a partition map lists it.
func (n *Node) Info() part.NodeInfo {
	return part.NodeInfo{ID: n.cfg.ID, HTTPAddr: n.HTTPAddr(), RaftAddr: n.RaftAddr()}
}

// SetIsolated cuts the node off from its peers (true) or heals it (false):
// Raft traffic and forwarded requests in both directions stop, while
// clients can still reach the node's HTTP API.
func (n *Node) SetIsolated(isolated bool) {
	n.mux.SetIsolated(isolated)
	n.forward.setIsolated(isolated)
}

// closeTimeout bounds a graceful HTTP shutdown.
const closeTimeout = 5 * time.Second

// Close stops heartbeating to the controller (waiting for the goroutine),
// stops serving HTTP (waiting for requests in flight), shuts every replica
// down and closes the Raft listener. It is safe to call twice.
func (n *Node) Close() error {
	if n.closed.Swap(true) {
		return nil
	}
	if n.beater != nil {
		n.beater.stop()
	}
	var errs []error
	if n.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
		defer cancel()
		errs = append(errs, n.conns.shutdown(ctx, n.server))
		if err := <-n.serveErr; !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
	} else if n.httpLn != nil {
		errs = append(errs, n.httpLn.Close())
	}
	errs = append(errs, n.closeReplicas())
	if n.sharedLog != nil {
		errs = append(errs, n.sharedLog.Close())
	}
	if n.forward != nil {
		n.forward.close()
	}
	if n.workers != nil {
		n.workers.close()
	}
	if n.raftNet != nil {
		errs = append(errs, n.raftNet.Close())
	}
	if n.mux != nil {
		errs = append(errs, n.mux.Close())
	}
	return errors.Join(errs...)
}

// openSharedLog opens the Raft log the node's replicas share, when its
// configuration keeps one.
func (n *Node) openSharedLog() error {
	if n.cfg.DataDir == "" || n.cfg.RaftLog != RaftLogShared {
		return nil
	}
	log, err := openSharedLog(n.cfg.DataDir)
	n.sharedLog = log
	return err
}
