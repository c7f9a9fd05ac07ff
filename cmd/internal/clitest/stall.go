package clitest

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/cmd/internal/cli"
)

// stalledClients is how many clients RequireStalledHeaders stalls.
const stalledClients = 8

// RequireStalledHeaders checks that clients that send partial, the start
// of a request header, and stall do not block other clients, and that the
// server the commands run h on (cli.NewServer) closes their connections
// once its ReadHeaderTimeout passes. Meanwhile another client must get a
// 200 for path whose body holds want. It runs in a synctest bubble over
// in-memory connections, so the timeout passes in fake time.
func RequireStalledHeaders(t *testing.T, h http.Handler, partial, path, want string) {
	synctest.Test(t, func(t *testing.T) {
		srv := cli.NewServer(h, slog.New(slog.DiscardHandler))
		ln := newPipeListener()
		go func() { _ = srv.Serve(ln) }()
		defer srv.Close()
		start := time.Now()
		stalled := make([]net.Conn, stalledClients)
		for i := range stalled {
			stalled[i] = ln.dial()
			_, err := io.WriteString(stalled[i], partial)
			require.NoError(t, err)
		}
		requireServed(t, ln.dial(), path, want)
		for _, conn := range stalled {
			_, err := io.ReadAll(conn) // until the server closes it
			require.NoError(t, err)
			require.NoError(t, conn.Close())
		}
		waited := time.Since(start)
		require.GreaterOrEqual(t, waited, srv.ReadHeaderTimeout)
		require.Less(t, waited, srv.ReadHeaderTimeout+time.Second, "the stalled connections were closed late")
	})
}

// requireServed asks for path on conn and checks the answer is a 200
// whose body holds want.
func requireServed(t *testing.T, conn net.Conn, path, want string) {
	t.Helper()
	defer conn.Close()
	_, err := io.WriteString(conn, "GET "+path+" HTTP/1.1\r\nHost: treekv\r\nConnection: close\r\n\r\n")
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, string(body), want, "the answer to GET %s", path)
}

// pipeListener is a net.Listener of in-memory connections (net.Pipe), which
// a synctest bubble can wait on.
type pipeListener struct {
	conns  chan net.Conn
	closed chan struct{}
	once   sync.Once
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), closed: make(chan struct{})}
}

// dial connects a new client to the listener.
func (l *pipeListener) dial() net.Conn {
	client, server := net.Pipe()
	l.conns <- server
	return client
}

// Accept returns the next connection dialed, or net.ErrClosed.
func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

// Close stops Accept.
func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

// Addr names the listener.
func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }
