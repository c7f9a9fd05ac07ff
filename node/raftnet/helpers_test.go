package raftnet

import (
	"net"
	"testing"
	"time"

	"github.com/hashicorp/raft"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/node/mux"
)

// sharedGroup is the mux group the tests' Nets use.
const sharedGroup = 1 << 62

// testNode is one node's mux and Net.
type testNode struct {
	mux *mux.Mux
	net *Net
}

func newTestNode(t testing.TB, timeout time.Duration) *testNode {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	m := mux.New(ln, nil)
	layer, err := m.Layer(sharedGroup)
	require.NoError(t, err)
	n := &testNode{mux: m, net: New(layer, timeout, nil)}
	t.Cleanup(func() {
		require.NoError(t, n.net.Close())
		require.NoError(t, m.Close())
	})
	return n
}

func (n *testNode) addr() raft.ServerAddress { return raft.ServerAddress(n.mux.Addr().String()) }

// transport returns group's Transport on n, closed at the end of the test.
func (n *testNode) transport(t testing.TB, group uint64) *Transport {
	t.Helper()
	layer, err := n.mux.Layer(group)
	require.NoError(t, err)
	inner := raft.NewNetworkTransportWithConfig(&raft.NetworkTransportConfig{Stream: layer, MaxPool: 2, Timeout: 5 * time.Second})
	tr, err := n.net.Transport(group, inner)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, tr.Close()) })
	return tr
}
