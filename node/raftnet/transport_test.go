package raftnet

import (
	"testing"
	"time"

	"github.com/hashicorp/raft"
	"github.com/stretchr/testify/require"
)

// answerWith answers every RPC tr's consumer yields with resp, until the
// test ends, and passes on the requests it answered.
func answerWith(t *testing.T, tr *Transport, resp *raft.AppendEntriesResponse) <-chan *raft.AppendEntriesRequest {
	t.Helper()
	seen := make(chan *raft.AppendEntriesRequest, 16)
	done := make(chan struct{})
	t.Cleanup(func() { close(done) })
	go func() {
		for {
			select {
			case rpc := <-tr.Consumer():
				seen <- rpc.Command.(*raft.AppendEntriesRequest)
				rpc.Respond(resp, nil)
			case <-done:
				return
			}
		}
	}()
	return seen
}

// TestAppendEntriesReachesThePeersGroup checks that AppendEntries reaches
// the Transport of the same group on the target node, intact, and returns
// the answer its Raft gave.
func TestAppendEntriesReachesThePeersGroup(t *testing.T) {
	a, b := newTestNode(t, 5*time.Second), newTestNode(t, 5*time.Second)
	ta := a.transport(t, 7)
	b.transport(t, 8) // another group on b, which must not see the request
	tb := b.transport(t, 7)
	want := &raft.AppendEntriesResponse{Term: 7, LastLog: 43, Success: true}
	seen := answerWith(t, tb, want)
	req := sampleRequest()
	var got raft.AppendEntriesResponse
	require.NoError(t, ta.AppendEntries("n2", b.addr(), req, &got))
	require.Equal(t, *want, got)
	received := <-seen
	require.Equal(t, req.Entries[0].Data, received.Entries[0].Data)
	require.Equal(t, req.PrevLogEntry, received.PrevLogEntry)
}

// TestUnknownGroupFailsTheCallOnly checks that a request for a group the
// peer does not host fails, and that the connection still serves the
// group once it is there.
func TestUnknownGroupFailsTheCallOnly(t *testing.T) {
	a, b := newTestNode(t, 5*time.Second), newTestNode(t, 5*time.Second)
	ta := a.transport(t, 7)
	var resp raft.AppendEntriesResponse
	err := ta.AppendEntries("n2", b.addr(), sampleRequest(), &resp)
	require.ErrorContains(t, err, ErrUnknownGroup.Error())
	answerWith(t, b.transport(t, 7), &raft.AppendEntriesResponse{Success: true})
	require.NoError(t, ta.AppendEntries("n2", b.addr(), sampleRequest(), &resp))
	require.True(t, resp.Success)
}

// TestHeartbeatsSkipTheConsumer checks that a heartbeat goes to the
// heartbeat handler, not through the consumer.
func TestHeartbeatsSkipTheConsumer(t *testing.T) {
	a, b := newTestNode(t, 5*time.Second), newTestNode(t, 5*time.Second)
	ta, tb := a.transport(t, 7), b.transport(t, 7)
	tb.SetHeartbeatHandler(func(rpc raft.RPC) {
		rpc.Respond(&raft.AppendEntriesResponse{Term: 99, Success: true}, nil)
	})
	var resp raft.AppendEntriesResponse
	hb := &raft.AppendEntriesRequest{RPCHeader: raft.RPCHeader{Addr: []byte("a")}, Term: 3}
	require.NoError(t, ta.AppendEntries("n2", b.addr(), hb, &resp))
	require.Equal(t, uint64(99), resp.Term)
	require.Empty(t, tb.Consumer(), "nothing reached the consumer")
}

// TestIsolationFailsCallsUntilHealed checks that cutting a node off (its
// connections closed, new ones refused) fails calls to it promptly, and
// that once healed the next call dials again and succeeds.
func TestIsolationFailsCallsUntilHealed(t *testing.T) {
	a, b := newTestNode(t, 5*time.Second), newTestNode(t, 5*time.Second)
	ta := a.transport(t, 7)
	answerWith(t, b.transport(t, 7), &raft.AppendEntriesResponse{Success: true})
	var resp raft.AppendEntriesResponse
	require.NoError(t, ta.AppendEntries("n2", b.addr(), sampleRequest(), &resp))
	b.mux.SetIsolated(true)
	start := time.Now()
	require.Error(t, ta.AppendEntries("n2", b.addr(), sampleRequest(), &resp))
	require.Less(t, time.Since(start), 5*time.Second, "failed without waiting for the timeout")
	b.mux.SetIsolated(false)
	require.Eventually(t, func() bool {
		return ta.AppendEntries("n2", b.addr(), sampleRequest(), &resp) == nil
	}, 5*time.Second, 10*time.Millisecond)
}

// TestUnansweredCallTimesOut checks that a call whose peer never answers
// fails after the Net's timeout, and that the next call, on a new
// connection, is answered.
func TestUnansweredCallTimesOut(t *testing.T) {
	a, b := newTestNode(t, 200*time.Millisecond), newTestNode(t, 5*time.Second)
	ta, tb := a.transport(t, 7), b.transport(t, 7)
	var resp raft.AppendEntriesResponse
	err := ta.AppendEntries("n2", b.addr(), sampleRequest(), &resp)
	require.ErrorContains(t, err, "no answer")
	stuck := <-tb.Consumer() // the first request, never answered
	require.NotNil(t, stuck.Command)
	answerWith(t, tb, &raft.AppendEntriesResponse{Success: true})
	require.NoError(t, ta.AppendEntries("n2", b.addr(), sampleRequest(), &resp))
	require.True(t, resp.Success)
}

// TestClosedTransportTakesNoMoreRequests checks that requests for a group
// whose Transport closed fail, and that closing twice is harmless.
func TestClosedTransportTakesNoMoreRequests(t *testing.T) {
	a, b := newTestNode(t, 5*time.Second), newTestNode(t, 5*time.Second)
	ta := a.transport(t, 7)
	layer, err := b.mux.Layer(7)
	require.NoError(t, err)
	tb, err := b.net.Transport(7, raft.NewNetworkTransport(layer, 1, time.Second, nil))
	require.NoError(t, err)
	require.NoError(t, tb.Close())
	require.NoError(t, tb.Close())
	var resp raft.AppendEntriesResponse
	require.Error(t, ta.AppendEntries("n2", b.addr(), sampleRequest(), &resp))
}

// TestNetCloseFailsCallsInFlight checks that closing a Net fails the calls
// waiting on its connections at once.
func TestNetCloseFailsCallsInFlight(t *testing.T) {
	a, b := newTestNode(t, time.Minute), newTestNode(t, time.Minute)
	ta := a.transport(t, 7)
	tb := b.transport(t, 7)
	failed := make(chan error, 1)
	go func() {
		var resp raft.AppendEntriesResponse
		failed <- ta.AppendEntries("n2", b.addr(), sampleRequest(), &resp)
	}()
	<-tb.Consumer() // the request arrived and waits for an answer
	require.NoError(t, a.net.Close())
	select {
	case err := <-failed:
		require.Error(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("the call still waits after its Net closed")
	}
}
