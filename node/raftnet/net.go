package raftnet

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/hashicorp/raft"
)

// ErrUnknownGroup answers a request for a group the peer does not host
// (any more): the sender's Raft retries it like any failed request.
var ErrUnknownGroup = errors.New("raftnet: group not hosted here")

// Net is a node's end of the connections it shares among its Raft groups:
// it dials one connection per peer for its groups' requests and serves the
// connections its peers dial. It is safe for concurrent use.
type Net struct {
	layer    raft.StreamLayer
	timeout  time.Duration
	logger   *slog.Logger
	counters counters

	mu     sync.Mutex
	groups map[uint64]*Transport
	peers  map[raft.ServerAddress]*peer
	served map[*frameConn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// New starts a Net that dials and accepts its connections through layer,
// which it owns from then on. timeout (if positive) bounds each request and
// each write and dial. A nil logger discards the log.
func New(layer raft.StreamLayer, timeout time.Duration, logger *slog.Logger) *Net {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	n := &Net{
		layer:   layer,
		timeout: timeout,
		logger:  logger,
		groups:  make(map[uint64]*Transport),
		peers:   make(map[raft.ServerAddress]*peer),
		served:  make(map[*frameConn]struct{}),
	}
	n.wg.Go(n.acceptLoop)
	return n
}

// Close closes the layer and every connection, and waits for the Net's
// goroutines. Requests in flight fail. Calls after the first return nil.
func (n *Net) Close() error {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return nil
	}
	n.closed = true
	peers, served := n.peers, n.served
	n.peers, n.served = nil, nil
	n.mu.Unlock()
	err := n.layer.Close()
	for _, p := range peers {
		p.close()
	}
	for c := range served {
		c.close(net.ErrClosed)
	}
	n.wg.Wait()
	return err
}

// spawn runs f on a goroutine Close waits for, unless the Net is closed.
func (n *Net) spawn(f func()) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return false
	}
	n.wg.Go(f)
	return true
}

// register makes t the receiver of its group's requests.
func (n *Net) register(t *Transport) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	switch {
	case n.closed:
		return fmt.Errorf("raftnet: register group %d: %w", t.group, net.ErrClosed)
	case n.groups[t.group] != nil:
		return fmt.Errorf("raftnet: group %d already registered", t.group)
	}
	n.groups[t.group] = t
	return nil
}

func (n *Net) unregister(t *Transport) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.groups[t.group] == t {
		delete(n.groups, t.group)
	}
}

func (n *Net) transport(group uint64) *Transport {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.groups[group]
}
