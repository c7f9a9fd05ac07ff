// Package mux lets every Raft group of a storage node share one TCP listener.
//
// A Mux owns the listener; each group registers with Mux.Layer and gets a
// *Layer, a raft.StreamLayer to hand to raft.NewNetworkTransport. A dialer
// opens each connection with a 10-byte header naming its group (a magic byte,
// a version byte, the big-endian group ID); the accepting Mux reads it and
// queues the connection for that group's Accept.
package mux

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"sync"
)

// Errors returned by the mux.
var (
	// ErrIsolated reports a dial refused because the node is isolated by
	// SetIsolated(true).
	ErrIsolated = errors.New("mux: node is isolated")
	// ErrGroupRegistered reports a Layer call for a group that already has
	// an open Layer on this Mux.
	ErrGroupRegistered = errors.New("mux: group already registered")
)

// Mux shares one listener among many Raft groups. All its methods are safe
// for concurrent use.
type Mux struct {
	ln   net.Listener
	log  *slog.Logger
	done chan struct{} // closed by Close
	wg   sync.WaitGroup

	mu       sync.Mutex
	layers   map[uint64]*Layer
	conns    map[*conn]struct{}
	isolated bool
	closed   bool
	rewrite  map[string]string // dial address -> address actually dialed
}

// New takes ownership of ln and starts accepting connections on it. A nil
// logger discards the log.
func New(ln net.Listener, logger *slog.Logger) *Mux {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	m := &Mux{
		ln:     ln,
		log:    logger,
		done:   make(chan struct{}),
		layers: make(map[uint64]*Layer),
		conns:  make(map[*conn]struct{}),
	}
	m.wg.Add(1)
	go m.acceptLoop()
	return m
}

// Addr returns the listener's address, which is also every Layer's address.
func (m *Mux) Addr() net.Addr { return m.ln.Addr() }

// Layer registers group and returns its stream layer. It fails with
// ErrGroupRegistered if the group already has an open Layer, and with an
// error wrapping net.ErrClosed if the Mux is closed. Once the Layer is
// closed, the group may be registered again.
func (m *Mux) Layer(group uint64) (*Layer, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, fmt.Errorf("mux: register group %d: %w", group, net.ErrClosed)
	}
	if _, ok := m.layers[group]; ok {
		return nil, fmt.Errorf("%w: %d", ErrGroupRegistered, group)
	}
	l := newLayer(m, group)
	m.layers[group] = l
	return l, nil
}

// SetIsolated(true) cuts the node off from its peers as a network partition
// would: it closes every open connection of every group, accepted or dialed,
// then refuses new dials with ErrIsolated and closes new inbound connections
// at once. SetIsolated(false) heals it; connections are not reopened, the
// groups dial again as they need.
func (m *Mux) SetIsolated(isolated bool) {
	m.mu.Lock()
	m.isolated = isolated
	var open []*conn
	if isolated {
		open = m.connsLocked(nil)
	}
	m.mu.Unlock()
	closeAll(open)
}

// SetDialRewrite makes every Layer's Dial to an address that is a key of
// rewrite connect to the address it maps to instead, as when a fault proxy
// stands between this node and a peer. Other addresses are dialed as given;
// a nil or empty map removes every rewrite. The Mux keeps a copy of
// rewrite; connections already open are left as they are.
func (m *Mux) SetDialRewrite(rewrite map[string]string) {
	cp := maps.Clone(rewrite)
	m.mu.Lock()
	m.rewrite = cp
	m.mu.Unlock()
}

// dialAddr returns the address to dial to reach address.
func (m *Mux) dialAddr(address string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if to, ok := m.rewrite[address]; ok {
		return to
	}
	return address
}

// Close stops the listener, closes every Layer (their Accept calls return an
// error wrapping net.ErrClosed) and every open connection, and waits for all
// the goroutines of the Mux to end. Calls after the first return nil.
func (m *Mux) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	close(m.done)
	for group, l := range m.layers {
		l.markClosed()
		delete(m.layers, group)
	}
	open := m.connsLocked(nil)
	m.mu.Unlock()

	err := m.ln.Close()
	closeAll(open)
	m.wg.Wait()
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}

// unregister removes l from the Mux, unblocks its Accept calls and closes
// the connections that belong to it.
func (m *Mux) unregister(l *Layer) {
	m.mu.Lock()
	if m.layers[l.group] == l {
		delete(m.layers, l.group)
	}
	l.markClosed()
	open := m.connsLocked(l)
	m.mu.Unlock()
	closeAll(open)
}
