package mux

import (
	"io"
	"net"
	"testing"
	"time"

	"github.com/hashicorp/raft"
	"github.com/stretchr/testify/require"
)

func TestBytesFlowBothWays(t *testing.T) {
	a, b := newMux(t), newMux(t)
	a1, a2 := register(t, a, 1), register(t, a, 2)
	b1, b2 := register(t, b, 1), register(t, b, 2)
	tests := []struct {
		name     string
		from, to *Layer
	}{
		{"a to b group 1", a1, b1},
		{"a to b group 2", a2, b2},
		{"b to a group 1", b1, a1},
		{"b to a group 2", b2, a2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NotEqual(t, tt.from.Addr(), tt.to.Addr())
			dialed, accepted := connect(t, tt.from, tt.to)
			requireFlow(t, dialed, accepted, "request from "+tt.name)
			requireFlow(t, accepted, dialed, "response to "+tt.name)
		})
	}
}

// TestGroupsDoNotCrossTalk dials both groups of one mux at once and checks
// each Accept gets the connection that was dialed for its own group.
func TestGroupsDoNotCrossTalk(t *testing.T) {
	a, b := newMux(t), newMux(t)
	a1, a2 := register(t, a, 1), register(t, a, 2)
	b1, b2 := register(t, b, 1), register(t, b, 2)
	ch1, ch2 := acceptAsync(b1), acceptAsync(b2)
	addr := raft.ServerAddress(b.Addr().String())
	for _, l := range []*Layer{a2, a1} {
		c, err := l.Dial(addr, ioTimeout)
		require.NoError(t, err)
		t.Cleanup(func() { c.Close() })
		_, err = c.Write([]byte{byte(l.group)})
		require.NoError(t, err)
	}
	for want, ch := range map[byte]<-chan acceptResult{1: ch1, 2: ch2} {
		r := receive(t, ch)
		require.NoError(t, r.err)
		t.Cleanup(func() { r.conn.Close() })
		got := make([]byte, 1)
		_, err := io.ReadFull(r.conn, got)
		require.NoError(t, err)
		require.Equal(t, want, got[0], "group %d accepted a conn dialed for group %d", want, got[0])
	}
}

func TestServerClosesRejectedConns(t *testing.T) {
	m := newMux(t)
	register(t, m, 1)
	unknown := encodeHeader(99)
	good := encodeHeader(1)
	tests := []struct {
		name   string
		header []byte
	}{
		{"unknown group", unknown[:]},
		{"bad magic", append([]byte{'G', headerVersion}, good[2:]...)},
		{"bad version", append([]byte{headerMagic, headerVersion + 1}, good[2:]...)},
		{"not a header", []byte("GET / HTTP/1.1\r\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := net.Dial("tcp", m.Addr().String())
			require.NoError(t, err)
			defer c.Close()
			_, err = c.Write(tt.header)
			require.NoError(t, err)
			requireReadFails(t, c)
		})
	}
}

func TestUnknownGroupDialIsClosed(t *testing.T) {
	a, b := newMux(t), newMux(t)
	register(t, b, 1)
	c, err := register(t, a, 2).Dial(raft.ServerAddress(b.Addr().String()), ioTimeout)
	require.NoError(t, err)
	defer c.Close()
	requireReadFails(t, c)
}

func TestSilentClientDoesNotBlockOthers(t *testing.T) {
	a, b := newMux(t), newMux(t)
	silent, err := net.Dial("tcp", b.Addr().String())
	require.NoError(t, err)
	defer silent.Close()
	dialed, accepted := connect(t, register(t, a, 1), register(t, b, 1))
	requireFlow(t, dialed, accepted, "ping")
}

func TestLayerTwiceErrors(t *testing.T) {
	m := newMux(t)
	register(t, m, 1)
	_, err := m.Layer(1)
	require.ErrorIs(t, err, ErrGroupRegistered)
	_, err = m.Layer(2)
	require.NoError(t, err, "another group registers fine")
}

func TestLayerCloseUnblocksAcceptAndFreesGroup(t *testing.T) {
	m := newMux(t)
	l := register(t, m, 1)
	pending := acceptAsync(l)
	require.NoError(t, l.Close())
	require.NoError(t, l.Close(), "Close is idempotent")
	require.ErrorIs(t, receive(t, pending).err, net.ErrClosed)
	_, err := l.Accept()
	require.ErrorIs(t, err, net.ErrClosed)
	_, err = l.Dial(raft.ServerAddress(m.Addr().String()), ioTimeout)
	require.ErrorIs(t, err, net.ErrClosed)

	again := register(t, m, 1)
	dialed, accepted := connect(t, register(t, newMux(t), 1), again)
	requireFlow(t, dialed, accepted, "re-registered")
}

func TestLayerCloseClosesOnlyItsConns(t *testing.T) {
	a, b := newMux(t), newMux(t)
	a1, a2 := register(t, a, 1), register(t, a, 2)
	b1, b2 := register(t, b, 1), register(t, b, 2)
	d1, acc1 := connect(t, a1, b1)
	d2, acc2 := connect(t, a2, b2)
	require.NoError(t, b1.Close())
	requireReadFails(t, acc1)
	requireReadFails(t, d1)
	requireFlow(t, d2, acc2, "group 2 still up")
}

func TestSetIsolated(t *testing.T) {
	a, b := newMux(t), newMux(t)
	a1, b1 := register(t, a, 1), register(t, b, 1)
	outDialed, outAccepted := connect(t, a1, b1)
	inDialed, inAccepted := connect(t, b1, a1)

	a.SetIsolated(true)
	for _, c := range []net.Conn{outDialed, inAccepted, outAccepted, inDialed} {
		requireReadFails(t, c)
	}
	_, err := a1.Dial(raft.ServerAddress(b.Addr().String()), ioTimeout)
	require.ErrorIs(t, err, ErrIsolated)
	c, err := b1.Dial(raft.ServerAddress(a.Addr().String()), ioTimeout)
	if err == nil {
		requireReadFails(t, c) // a closes inbound conns at once
		c.Close()
	}

	a.SetIsolated(false)
	dialed, accepted := connect(t, a1, b1)
	requireFlow(t, dialed, accepted, "healed out")
	dialed, accepted = connect(t, b1, a1)
	requireFlow(t, dialed, accepted, "healed in")
}

func TestCloseUnblocksAcceptAndReturns(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	m := New(ln, nil)
	l1, l2 := register(t, m, 1), register(t, m, 2)
	pending1, pending2 := acceptAsync(l1), acceptAsync(l2)
	silent, err := net.Dial("tcp", m.Addr().String())
	require.NoError(t, err)
	defer silent.Close()

	require.NoError(t, m.Close())
	require.NoError(t, m.Close(), "Close is idempotent")
	require.ErrorIs(t, receive(t, pending1).err, net.ErrClosed)
	require.ErrorIs(t, receive(t, pending2).err, net.ErrClosed)
	requireReadFails(t, silent)
	_, err = m.Layer(3)
	require.ErrorIs(t, err, net.ErrClosed)
	_, err = l1.Dial(raft.ServerAddress(m.Addr().String()), time.Second)
	require.ErrorIs(t, err, net.ErrClosed)
	require.NoError(t, l1.Close())
}

// TestIsolationDropsQueuedConns checks that a conn waiting for Accept when
// the node is isolated is dropped, so Accept later yields only live conns.
func TestIsolationDropsQueuedConns(t *testing.T) {
	a, b := newMux(t), newMux(t)
	a1, b1 := register(t, a, 1), register(t, b, 1)
	stale, err := a1.Dial(raft.ServerAddress(b.Addr().String()), ioTimeout)
	require.NoError(t, err)
	defer stale.Close()
	require.Eventually(t, func() bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		return len(b.connsLocked(b1)) == 1
	}, ioTimeout, time.Millisecond, "the dialed conn never reached group 1's queue")

	b.SetIsolated(true)
	b.SetIsolated(false)
	dialed, accepted := connect(t, a1, b1)
	requireFlow(t, dialed, accepted, "live")
}
