package faults

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var directions = []Direction{ClientToTarget, TargetToClient}

func TestProxyForwardsBothWays(t *testing.T) {
	tests := []struct {
		name string
		size int
	}{
		{"small", 5},
		{"many chunks", 1 << 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProxy(t, echoServer(t))
			c := dial(t, p)
			msg := bytes.Repeat([]byte("x"), tt.size)
			require.NoError(t, roundTrip(c, msg))
		})
	}
}

func TestProxyPassesHalfClose(t *testing.T) {
	p := newProxy(t, echoServer(t))
	c := dial(t, p)
	_, err := c.Write([]byte("bye"))
	require.NoError(t, err)
	require.NoError(t, c.(*net.TCPConn).CloseWrite())
	require.NoError(t, c.SetReadDeadline(time.Now().Add(ioTimeout)))
	got, err := io.ReadAll(c)
	require.NoError(t, err, "the echo ends with an EOF once the client's EOF reached it")
	require.Equal(t, "bye", string(got))
}

func TestProxyCut(t *testing.T) {
	heals := []struct {
		name string
		heal func(p *Proxy, dir Direction)
	}{
		{"uncut", func(p *Proxy, dir Direction) { p.Cut(dir, false) }},
		{"heal", func(p *Proxy, _ Direction) { p.Heal() }},
	}
	for _, dir := range directions {
		for _, h := range heals {
			t.Run(dir.String()+"/"+h.name, func(t *testing.T) {
				p := newProxy(t, echoServer(t))
				open := dial(t, p)
				require.NoError(t, roundTrip(open, []byte("before")))

				p.Cut(dir, true)
				requireBroken(t, open)
				requireBroken(t, dial(t, p))

				h.heal(p, dir)
				require.NoError(t, roundTrip(dial(t, p), []byte("after")))
			})
		}
	}
}

func TestProxyCutStaysWhileEitherDirectionIsCut(t *testing.T) {
	p := newProxy(t, echoServer(t))
	p.Cut(ClientToTarget, true)
	p.Cut(TargetToClient, true)
	p.Cut(ClientToTarget, false)
	requireBroken(t, dial(t, p))
	p.Cut(TargetToClient, false)
	require.NoError(t, roundTrip(dial(t, p), []byte("healed")))
}

func TestProxyDelay(t *testing.T) {
	const delay = 150 * time.Millisecond
	for _, dir := range directions {
		t.Run(dir.String(), func(t *testing.T) {
			p := newProxy(t, echoServer(t))
			c := dial(t, p)
			require.NoError(t, roundTrip(c, []byte("warm")))
			p.Delay(dir, delay)
			start := time.Now()
			for i := range 3 {
				require.NoError(t, roundTrip(c, []byte{'a' + byte(i)}), "delayed chunks arrive in order")
			}
			require.GreaterOrEqual(t, time.Since(start), 3*delay)
		})
	}
}

func TestProxyDrop(t *testing.T) {
	for _, dir := range directions {
		t.Run(dir.String()+"/all", func(t *testing.T) {
			p := newProxy(t, echoServer(t))
			c := dial(t, p)
			require.NoError(t, roundTrip(c, []byte("before")))
			p.Drop(dir, 1)
			_, err := c.Write([]byte("lost"))
			require.NoError(t, err)
			requireBroken(t, c)
		})
		t.Run(dir.String()+"/none", func(t *testing.T) {
			p := newProxy(t, echoServer(t))
			p.Drop(dir, 0)
			c := dial(t, p)
			for i := range 200 {
				require.NoError(t, roundTrip(c, []byte{byte(i)}))
			}
		})
	}
}

func TestProxyDropIsSeeded(t *testing.T) {
	fates := func(seed uint64) []bool {
		p, err := NewProxy(ProxyConfig{Target: "127.0.0.1:1", Seed: seed})
		require.NoError(t, err)
		defer p.Close()
		p.Drop(ClientToTarget, 0.5)
		var out []bool
		for range 64 {
			_, lose := p.verdict(ClientToTarget)
			out = append(out, lose)
		}
		return out
	}
	require.Equal(t, fates(7), fates(7))
	require.NotEqual(t, fates(7), fates(8))
	require.Contains(t, fates(7), true)
	require.Contains(t, fates(7), false)
}

func TestProxyCloseWaits(t *testing.T) {
	p, err := NewProxy(ProxyConfig{Target: echoServer(t)})
	require.NoError(t, err)
	p.Delay(ClientToTarget, time.Hour) // chunks held in flight
	conns := make([]net.Conn, 3)
	for i := range conns {
		conns[i] = dial(t, p)
		_, err := conns[i].Write([]byte("held"))
		require.NoError(t, err)
	}
	require.Eventually(t, func() bool { return p.live.Load() >= 1+3*4 }, ioTimeout, time.Millisecond,
		"every connection runs its forwarding goroutines")
	require.NoError(t, p.Close())
	require.Zero(t, p.live.Load(), "Close returned before its goroutines ended")
	for _, c := range conns {
		requireBroken(t, c)
	}
	require.NoError(t, p.Close(), "a second Close is a no-op")
}

func TestNewProxyRejectsBadTarget(t *testing.T) {
	_, err := NewProxy(ProxyConfig{Target: "no-port"})
	require.ErrorContains(t, err, "no-port")
}
