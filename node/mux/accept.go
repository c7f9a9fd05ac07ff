package mux

import (
	"errors"
	"io"
	"net"
	"time"
)

// handshakeTimeout bounds how long an accepted connection may take to send
// its header, so a silent client holds only its own goroutine, and only
// for a while.
const handshakeTimeout = 5 * time.Second

// Backoff between failed Accept calls on the listener.
const (
	acceptBaseDelay = 5 * time.Millisecond
	acceptMaxDelay  = time.Second
)

// acceptLoop accepts connections until the listener is closed and starts
// one handshake goroutine for each; Close waits for all of them.
func (m *Mux) acceptLoop() {
	defer m.wg.Done()
	var delay time.Duration
	for {
		raw, err := m.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) || !m.backoff(&delay, err) {
				return
			}
			continue
		}
		delay = 0
		c, err := m.track(raw, nil)
		if err != nil {
			m.log.Debug("mux: inbound connection refused", "remote", raw.RemoteAddr(), "err", err)
			continue
		}
		m.wg.Add(1)
		go m.handshake(c)
	}
}

// backoff waits after a failed Accept, longer each time in a row. It
// returns false if the Mux closed meanwhile.
func (m *Mux) backoff(delay *time.Duration, err error) bool {
	*delay = min(max(2**delay, acceptBaseDelay), acceptMaxDelay)
	m.log.Warn("mux: accept failed", "err", err, "retry_in", *delay)
	t := time.NewTimer(*delay)
	defer t.Stop()
	select {
	case <-m.done:
		return false
	case <-t.C:
		return true
	}
}

// handshake reads the header of an accepted conn under a deadline and hands
// the conn to its group's Accept. A bad header or an unknown group closes it.
func (m *Mux) handshake(c *conn) {
	defer m.wg.Done()
	group, err := readHeader(c)
	if err != nil {
		m.log.Debug("mux: bad handshake", "remote", c.RemoteAddr(), "err", err)
		c.Close()
		return
	}
	l := m.route(c, group)
	if l == nil {
		m.log.Debug("mux: connection for unknown group", "remote", c.RemoteAddr(), "group", group)
		c.Close()
		return
	}
	l.deliver(c)
}

// readHeader reads and decodes the handshake, then clears the deadline.
func readHeader(c net.Conn) (uint64, error) {
	if err := c.SetReadDeadline(time.Now().Add(handshakeTimeout)); err != nil {
		return 0, err
	}
	var h [headerLen]byte
	if _, err := io.ReadFull(c, h[:]); err != nil {
		return 0, err
	}
	if err := c.SetReadDeadline(time.Time{}); err != nil {
		return 0, err
	}
	return decodeHeader(h[:])
}
