package mux

import (
	"testing"

	"github.com/hashicorp/raft"
	"github.com/stretchr/testify/require"
)

func TestDialRewrite(t *testing.T) {
	tests := []struct {
		name    string
		rewrite func(a, b string) map[string]string
		wantB   bool // the dial to A lands on B
	}{
		{"no rewrite dials A", func(a, b string) map[string]string { return nil }, false},
		{"a rewritten address dials B", func(a, b string) map[string]string { return map[string]string{a: b} }, true},
		{"a rewrite of another address leaves A", func(a, b string) map[string]string {
			return map[string]string{"127.0.0.1:1": b}
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from, a, b := newMux(t), register(t, newMux(t), 1), register(t, newMux(t), 1)
			caller := register(t, from, 1)
			from.SetDialRewrite(tt.rewrite(a.Addr().String(), b.Addr().String()))
			want := a
			if tt.wantB {
				want = b
			}
			ch := acceptAsync(want)
			c, err := caller.Dial(raft.ServerAddress(a.Addr().String()), ioTimeout)
			require.NoError(t, err)
			t.Cleanup(func() { c.Close() })
			r := receive(t, ch)
			require.NoError(t, r.err)
			t.Cleanup(func() { r.conn.Close() })
			requireFlow(t, c, r.conn, "hello")
		})
	}
}

func TestSetDialRewriteCopiesAndClears(t *testing.T) {
	m := newMux(t)
	rw := map[string]string{"a:1": "b:2"}
	m.SetDialRewrite(rw)
	rw["a:1"] = "c:3"
	require.Equal(t, "b:2", m.dialAddr("a:1"), "the mux keeps its own copy")
	require.Equal(t, "x:9", m.dialAddr("x:9"))
	m.SetDialRewrite(nil)
	require.Equal(t, "a:1", m.dialAddr("a:1"))
}

func TestSetDialRewriteConcurrentWithDial(t *testing.T) {
	from, to := newMux(t), register(t, newMux(t), 1)
	caller := register(t, from, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 100 {
			from.SetDialRewrite(map[string]string{"127.0.0.1:1": to.Addr().String()})
		}
	}()
	for range 10 {
		connect(t, caller, to)
	}
	<-done
}
