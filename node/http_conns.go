package node

import (
	"context"
	"net"
	"net/http"
	"sync"
	"time"
)

// idleConns tracks connections that have not carried a request yet.
// http.Server.Shutdown waits up to 5 s for such a connection, which client
// pools open ahead of need; a stopping node closes them instead, as no
// request can be lost on them.
type idleConns struct {
	mu    sync.Mutex
	fresh map[net.Conn]struct{}
}

func newIdleConns() *idleConns { return &idleConns{fresh: map[net.Conn]struct{}{}} }

// track is the server's ConnState hook. A connection leaves the fresh set
// when it turns active, hijacked or closed; turning idle it has already
// left it (only an active connection turns idle), so that change, which
// ends every request, takes no lock.
func (c *idleConns) track(conn net.Conn, state http.ConnState) {
	if state == http.StateIdle {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if state == http.StateNew {
		c.fresh[conn] = struct{}{}
	} else {
		delete(c.fresh, conn)
	}
}

func (c *idleConns) closeFresh() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for conn := range c.fresh {
		_ = conn.Close()
		delete(c.fresh, conn)
	}
}

// freshSweep is how often a shutdown closes connections that arrived fresh.
const freshSweep = 20 * time.Millisecond

// shutdown stops server gracefully: it waits for requests in flight until
// ctx ends, while closing connections that never carried a request.
func (c *idleConns) shutdown(ctx context.Context, server *http.Server) error {
	done := make(chan error, 1)
	go func() { done <- server.Shutdown(ctx) }()
	ticker := time.NewTicker(freshSweep)
	defer ticker.Stop()
	for {
		c.closeFresh()
		select {
		case err := <-done:
			return err
		case <-ticker.C:
		}
	}
}
