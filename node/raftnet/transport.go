package raftnet

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/raft"
)

// consumerBuffer is how many RPCs may wait for a group's Raft to take them.
const consumerBuffer = 64

// Transport is one group's raft.Transport: AppendEntries through its Net,
// every other RPC through the wrapped NetworkTransport.
type Transport struct {
	*raft.NetworkTransport
	net       *Net
	group     uint64
	consumer  chan raft.RPC
	heartbeat atomic.Pointer[func(raft.RPC)]
	done      chan struct{} // closed by Close

	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
}

var (
	_ raft.Transport   = (*Transport)(nil)
	_ raft.WithClose   = (*Transport)(nil)
	_ raft.WithPreVote = (*Transport)(nil)
)

// Transport returns group's transport, which takes inner over: Close
// closes it. A group has one open Transport per Net at a time.
func (n *Net) Transport(group uint64, inner *raft.NetworkTransport) (*Transport, error) {
	t := &Transport{
		NetworkTransport: inner,
		net:              n,
		group:            group,
		consumer:         make(chan raft.RPC, consumerBuffer),
		done:             make(chan struct{}),
	}
	if err := n.register(t); err != nil {
		return nil, err
	}
	t.spawn(t.forward)
	return t, nil
}

// Consumer returns the channel of the RPCs peers send the group.
func (t *Transport) Consumer() <-chan raft.RPC { return t.consumer }

// AppendEntries sends args to the group's replica at target through the
// Net and waits for its answer.
func (t *Transport) AppendEntries(_ raft.ServerID, target raft.ServerAddress, args *raft.AppendEntriesRequest, resp *raft.AppendEntriesResponse) error {
	return t.net.appendEntries(t.group, target, args, resp)
}

// AppendEntriesPipeline is not supported: Raft sends one AppendEntries at a
// time to each follower.
func (t *Transport) AppendEntriesPipeline(raft.ServerID, raft.ServerAddress) (raft.AppendPipeline, error) {
	return nil, raft.ErrPipelineReplicationNotSupported
}

// SetHeartbeatHandler sets the function that answers heartbeats at once,
// without waiting for Raft's main loop.
func (t *Transport) SetHeartbeatHandler(cb func(rpc raft.RPC)) {
	t.heartbeat.Store(&cb)
	t.NetworkTransport.SetHeartbeatHandler(cb)
}

// Close stops receiving the group's requests, waits for the transport's
// goroutines and closes the wrapped transport.
func (t *Transport) Close() error {
	t.net.unregister(t)
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return nil
	}
	t.closed = true
	close(t.done)
	t.mu.Unlock()
	t.wg.Wait()
	return t.NetworkTransport.Close()
}

// spawn runs f on a goroutine Close waits for, unless t is closed.
func (t *Transport) spawn(f func()) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	t.wg.Go(f)
	return true
}

// forward passes on the RPCs the wrapped transport receives.
func (t *Transport) forward() {
	for {
		select {
		case rpc := <-t.NetworkTransport.Consumer():
			select {
			case t.consumer <- rpc:
			case <-t.done:
				return
			}
		case <-t.done:
			return
		}
	}
}

// receive hands a request that came on c to Raft, in the order requests
// arrive, and has the answer sent back on c.
func (t *Transport) receive(c *frameConn, call uint64, req *raft.AppendEntriesRequest) {
	answer := make(chan raft.RPCResponse, 1)
	rpc := raft.RPC{Command: req, RespChan: answer}
	if fn := t.heartbeat.Load(); fn != nil && isHeartbeat(req) {
		if !t.spawn(func() { (*fn)(rpc); t.reply(c, call, answer) }) {
			_ = c.send(appendFailure(nil, call, raft.ErrTransportShutdown))
		}
		return
	}
	select {
	case t.consumer <- rpc:
	case <-t.done:
		_ = c.send(appendFailure(nil, call, raft.ErrTransportShutdown))
		return
	case <-c.closed:
		return
	}
	if !t.spawn(func() { t.reply(c, call, answer) }) {
		_ = c.send(appendFailure(nil, call, raft.ErrTransportShutdown))
	}
}

// reply sends Raft's answer to call back on c.
func (t *Transport) reply(c *frameConn, call uint64, answer <-chan raft.RPCResponse) {
	var frame []byte
	select {
	case r := <-answer:
		resp, ok := r.Response.(*raft.AppendEntriesResponse)
		switch {
		case r.Error != nil:
			frame = appendFailure(nil, call, r.Error)
		case !ok:
			frame = appendFailure(nil, call, fmt.Errorf("raftnet: raft answered %T", r.Response))
		default:
			frame = appendAnswer(nil, call, resp)
		}
	case <-t.done:
		frame = appendFailure(nil, call, raft.ErrTransportShutdown)
	case <-c.closed:
		return
	}
	_ = c.send(frame)
}

// isHeartbeat tells a heartbeat, which Raft answers without its main loop,
// as raft.NetworkTransport does.
func isHeartbeat(req *raft.AppendEntriesRequest) bool {
	leader := req.Addr
	if len(leader) == 0 {
		leader = req.Leader
	}
	return req.Term != 0 && leader != nil && req.PrevLogEntry == 0 && req.PrevLogTerm == 0 &&
		len(req.Entries) == 0 && req.LeaderCommitIndex == 0
}
