package mux

import (
	"fmt"
	"net"
	"sync"
)

// conn is a connection the Mux tracks so that SetIsolated, Layer.Close and
// Mux.Close can close it. Closing it removes it from the Mux.
type conn struct {
	net.Conn
	m     *Mux
	owner *Layer // guarded by m.mu; nil until an accepted conn is routed

	closed   chan struct{} // closed by Close
	once     sync.Once
	closeErr error
}

// Close closes the connection and forgets it. It is idempotent.
func (c *conn) Close() error {
	c.once.Do(func() {
		c.m.untrack(c)
		c.closeErr = c.Conn.Close()
		close(c.closed)
	})
	return c.closeErr
}

// track wraps raw and records it as owned by owner (nil for an accepted conn
// whose group is not known yet). It closes raw and fails when the Mux is
// closed or isolated, or when owner is no longer registered.
func (m *Mux) track(raw net.Conn, owner *Layer) (*conn, error) {
	m.mu.Lock()
	err := m.admitLocked(owner)
	if err == nil {
		c := &conn{Conn: raw, m: m, owner: owner, closed: make(chan struct{})}
		m.conns[c] = struct{}{}
		m.mu.Unlock()
		return c, nil
	}
	m.mu.Unlock()
	raw.Close()
	return nil, err
}

// admitLocked tells whether a new connection for owner may be opened now.
func (m *Mux) admitLocked(owner *Layer) error {
	switch {
	case m.closed:
		return fmt.Errorf("mux: %w", net.ErrClosed)
	case m.isolated:
		return ErrIsolated
	case owner != nil && m.layers[owner.group] != owner:
		return fmt.Errorf("mux: group %d: %w", owner.group, net.ErrClosed)
	}
	return nil
}

// route hands an accepted conn to the layer of group and returns it, or
// returns nil when no layer is registered for the group.
func (m *Mux) route(c *conn, group uint64) *Layer {
	m.mu.Lock()
	defer m.mu.Unlock()
	l := m.layers[group]
	if l != nil {
		c.owner = l
	}
	return l
}

func (m *Mux) untrack(c *conn) {
	m.mu.Lock()
	delete(m.conns, c)
	m.mu.Unlock()
}

// connsLocked lists the tracked conns owned by owner, or all of them when
// owner is nil.
func (m *Mux) connsLocked(owner *Layer) []*conn {
	var out []*conn
	for c := range m.conns {
		if owner == nil || c.owner == owner {
			out = append(out, c)
		}
	}
	return out
}

func closeAll(conns []*conn) {
	for _, c := range conns {
		c.Close()
	}
}
