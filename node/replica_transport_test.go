package node

import (
	"fmt"
	"net"
	"testing"

	"github.com/hashicorp/raft"
	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/node/mux"
)

// hangUpLayer is a StreamLayer whose accepted connections close as soon as
// they have written an answer, as a peer that restarts, or a partition that
// heals by resetting connections, leaves them.
type hangUpLayer struct{ raft.StreamLayer }

func (l hangUpLayer) Accept() (net.Conn, error) {
	c, err := l.StreamLayer.Accept()
	if err != nil {
		return nil, err
	}
	return hangUpConn{c}, nil
}

type hangUpConn struct{ net.Conn }

func (c hangUpConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	c.Conn.Close()
	return n, err
}

// muxLayer returns group 1's layer of a new Mux on a loopback port.
func muxLayer(t *testing.T) *mux.Layer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	m := mux.New(ln, nil)
	t.Cleanup(func() { m.Close() })
	l, err := m.Layer(1)
	require.NoError(t, err)
	return l
}

// grantVotes answers every vote request trans receives with a grant.
func grantVotes(t *testing.T, trans raft.Transport) {
	done := make(chan struct{})
	finished := make(chan struct{})
	t.Cleanup(func() { close(done); <-finished })
	go func() {
		defer close(finished)
		for {
			select {
			case rpc := <-trans.Consumer():
				if req, ok := rpc.Command.(*raft.RequestVoteRequest); ok {
					rpc.Respond(&raft.RequestVoteResponse{Term: req.Term, Granted: true}, nil)
				} else {
					rpc.Respond(nil, fmt.Errorf("only votes here, not %T", rpc.Command))
				}
			case <-done:
				return
			}
		}
	}()
}

func TestGroupTransportDialsEachVoteAfresh(t *testing.T) {
	server := raft.NewNetworkTransport(hangUpLayer{muxLayer(t)}, 1, transportTimeout, nil)
	t.Cleanup(func() { server.Close() })
	grantVotes(t, server)
	client := newGroupTransport(muxLayer(t), nil)
	t.Cleanup(func() { client.Close() })

	for term := uint64(1); term <= 3; term++ {
		var resp raft.RequestVoteResponse
		req := &raft.RequestVoteRequest{RPCHeader: raft.RPCHeader{ID: []byte("c"), Addr: []byte("c")}, Term: term}
		require.NoError(t, client.RequestVote("s", server.LocalAddr(), req, &resp),
			"vote of term %d: the peer hung up after its last answer", term)
		require.True(t, resp.Granted)
		require.Equal(t, term, resp.Term)
	}
}
