package raftnet

import (
	"fmt"
	"net"
)

// acceptLoop serves each connection peers dial, until the layer closes.
func (n *Net) acceptLoop() {
	for {
		conn, err := n.layer.Accept()
		if err != nil {
			n.mu.Lock()
			closed := n.closed
			n.mu.Unlock()
			if !closed {
				n.logger.Warn("raftnet: accept failed; no longer serving peers", "error", err)
			}
			return
		}
		c := newFrameConn(conn, n.timeout)
		if !n.track(c) || !n.spawn(func() { n.serve(c) }) {
			c.close(net.ErrClosed)
		}
	}
}

func (n *Net) track(c *frameConn) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return false
	}
	n.served[c] = struct{}{}
	return true
}

func (n *Net) untrack(c *frameConn) {
	n.mu.Lock()
	defer n.mu.Unlock()
	delete(n.served, c)
}

// serve reads a peer's requests and hands each to its group's Transport,
// until the connection fails.
func (n *Net) serve(c *frameConn) {
	err := n.serveRequests(c)
	c.close(err)
	n.untrack(c)
}

func (n *Net) serveRequests(c *frameConn) error {
	for {
		kind, body, err := c.readFrame()
		if err != nil {
			return fmt.Errorf("raftnet: read from %s: %w", c.conn.RemoteAddr(), err)
		}
		if kind != kindRequest {
			return fmt.Errorf("%w: kind %d from a peer's requests", errMalformed, kind)
		}
		group, call, req, err := decodeRequest(body)
		if err != nil {
			return err
		}
		t := n.transport(group)
		if t == nil {
			if err := c.send(appendFailure(nil, call, fmt.Errorf("%w: %d", ErrUnknownGroup, group))); err != nil {
				return err
			}
			continue
		}
		t.receive(c, call, req)
	}
}
