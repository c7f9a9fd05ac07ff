package mux

import (
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/hashicorp/raft"
)

// Layer is one group's raft.StreamLayer over a shared Mux: Accept yields the
// connections peers dialed for this group, Dial opens one to a peer's Mux
// for this group. It is safe for concurrent use.
type Layer struct {
	m      *Mux
	group  uint64
	queue  chan net.Conn // unbuffered: a handshake goroutine waits on it
	done   chan struct{} // closed once the layer is closed
	closer sync.Once
}

var _ raft.StreamLayer = (*Layer)(nil)

func newLayer(m *Mux, group uint64) *Layer {
	return &Layer{m: m, group: group, queue: make(chan net.Conn), done: make(chan struct{})}
}

// Accept blocks until a peer's connection for this group arrives, or until
// the layer or its Mux is closed, when it returns an error wrapping
// net.ErrClosed.
func (l *Layer) Accept() (net.Conn, error) {
	select {
	case <-l.done:
		return nil, l.closedErr()
	default:
	}
	select {
	case c := <-l.queue:
		return c, nil
	case <-l.done:
		return nil, l.closedErr()
	}
}

// Close unregisters the group and closes its connections, accepted and
// dialed; the Mux and the other groups keep running, and the group may be
// registered again. Pending and later Accept calls return an error. Close
// is idempotent and always returns nil.
func (l *Layer) Close() error {
	l.m.unregister(l)
	return nil
}

// Addr returns the Mux's address, the one peers dial to reach this group.
func (l *Layer) Addr() net.Addr { return l.m.Addr() }

// Dial connects to the Mux at address (or at the address SetDialRewrite
// maps it to) and writes the header naming this group. timeout (if
// positive) bounds the connect and the header write together. It fails
// with ErrIsolated while the Mux is isolated and with an error wrapping
// net.ErrClosed once the layer is closed.
func (l *Layer) Dial(address raft.ServerAddress, timeout time.Duration) (net.Conn, error) {
	if err := l.admit(); err != nil {
		return nil, err
	}
	var deadline time.Time
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
	}
	d := net.Dialer{Deadline: deadline}
	raw, err := d.Dial("tcp", l.m.dialAddr(string(address)))
	if err != nil {
		return nil, err
	}
	c, err := l.m.track(raw, l)
	if err != nil {
		return nil, err
	}
	if err := writeHeader(c, l.group, deadline); err != nil {
		c.Close()
		return nil, fmt.Errorf("mux: handshake with %s: %w", address, err)
	}
	return c, nil
}

// admit fails fast when a dial could not be tracked anyway.
func (l *Layer) admit() error {
	l.m.mu.Lock()
	defer l.m.mu.Unlock()
	return l.m.admitLocked(l)
}

// writeHeader writes the handshake naming group before deadline, then clears
// the write deadline.
func writeHeader(c net.Conn, group uint64, deadline time.Time) error {
	if err := c.SetWriteDeadline(deadline); err != nil {
		return err
	}
	h := encodeHeader(group)
	if _, err := c.Write(h[:]); err != nil {
		return err
	}
	return c.SetWriteDeadline(time.Time{})
}

// deliver waits for an Accept call to take c. It gives up when c is closed
// meanwhile (by isolation, say), and closes c if the layer closes first.
func (l *Layer) deliver(c *conn) {
	select {
	case l.queue <- c:
	case <-c.closed:
	case <-l.done:
		c.Close()
	}
}

// markClosed unblocks Accept; the caller holds l.m.mu.
func (l *Layer) markClosed() {
	l.closer.Do(func() { close(l.done) })
}

func (l *Layer) closedErr() error {
	return fmt.Errorf("mux: group %d: %w", l.group, net.ErrClosed)
}
