package mux

import (
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/hashicorp/raft"
	"github.com/stretchr/testify/require"
)

// ioTimeout guards reads in tests so a failure fails instead of hanging.
const ioTimeout = 5 * time.Second

func newMux(t *testing.T) *Mux {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	m := New(ln, nil)
	t.Cleanup(func() { require.NoError(t, m.Close()) })
	return m
}

func register(t *testing.T, m *Mux, group uint64) *Layer {
	t.Helper()
	l, err := m.Layer(group)
	require.NoError(t, err)
	return l
}

type acceptResult struct {
	conn net.Conn
	err  error
}

// acceptAsync runs one Accept on l and delivers its result on the channel.
func acceptAsync(l *Layer) <-chan acceptResult {
	ch := make(chan acceptResult, 1)
	go func() {
		c, err := l.Accept()
		ch <- acceptResult{c, err}
	}()
	return ch
}

func receive(t *testing.T, ch <-chan acceptResult) acceptResult {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(ioTimeout):
		require.FailNow(t, "Accept did not return")
		return acceptResult{}
	}
}

// connect dials from's group on the mux behind to and returns both ends.
func connect(t *testing.T, from, to *Layer) (dialed, accepted net.Conn) {
	t.Helper()
	ch := acceptAsync(to)
	dialed, err := from.Dial(raft.ServerAddress(to.Addr().String()), ioTimeout)
	require.NoError(t, err)
	t.Cleanup(func() { dialed.Close() })
	r := receive(t, ch)
	require.NoError(t, r.err)
	t.Cleanup(func() { r.conn.Close() })
	return dialed, r.conn
}

// requireFlow checks that msg written on w arrives on r.
func requireFlow(t *testing.T, w, r net.Conn, msg string) {
	t.Helper()
	_, err := w.Write([]byte(msg))
	require.NoError(t, err)
	require.NoError(t, r.SetReadDeadline(time.Now().Add(ioTimeout)))
	got := make([]byte, len(msg))
	_, err = io.ReadFull(r, got)
	require.NoError(t, err)
	require.Equal(t, msg, string(got))
}

// requireReadFails checks that a read on c fails for a reason other than
// the test's own deadline.
func requireReadFails(t *testing.T, c net.Conn) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(ioTimeout)) // fails if c is closed already
	_, err := c.Read(make([]byte, 1))
	require.Error(t, err)
	var ne net.Error
	if errors.As(err, &ne) {
		require.False(t, ne.Timeout(), "read timed out instead of failing: %v", err)
	}
}
