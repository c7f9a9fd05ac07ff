package raftnet

import (
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/raft"
)

// peer is the connection to one peer node, dialed when first needed and
// again after it fails.
type peer struct {
	addr    raft.ServerAddress
	dialing sync.Mutex // one dial at a time
	s       atomic.Pointer[session]
}

// session is one dialed connection and the requests waiting for answers.
type session struct {
	c     *frameConn
	mu    sync.Mutex
	calls map[uint64]chan callResult // nil once the connection is done
	next  uint64
}

type callResult struct {
	resp *raft.AppendEntriesResponse
	err  error
}

func (p *peer) close() {
	if s := p.s.Load(); s != nil {
		s.c.close(net.ErrClosed)
	}
}

// appendEntries sends args for group to target, waits for the answer and
// counts the request, and its failure.
func (n *Net) appendEntries(group uint64, target raft.ServerAddress, args *raft.AppendEntriesRequest, resp *raft.AppendEntriesResponse) error {
	n.counters.appends.Add(1)
	err := n.sendAppend(group, target, args, resp)
	if err != nil {
		n.counters.appendFailures.Add(1)
	}
	return err
}

// sendAppend sends args for group to target and waits for the answer.
func (n *Net) sendAppend(group uint64, target raft.ServerAddress, args *raft.AppendEntriesRequest, resp *raft.AppendEntriesResponse) error {
	s, err := n.session(target)
	if err != nil {
		return err
	}
	call, answer, err := s.register()
	if err != nil {
		return err
	}
	if err := s.c.send(appendRequest(nil, group, call, args)); err != nil {
		s.forget(call)
		return err
	}
	var timeout <-chan time.Time
	if n.timeout > 0 {
		t := time.NewTimer(n.timeout)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case r := <-answer:
		if r.err != nil {
			return r.err
		}
		*resp = *r.resp
		return nil
	case <-timeout:
		// The peer or the link is stuck: start over on a new connection.
		s.c.fail(fmt.Errorf("raftnet: no answer from %s within %s", target, n.timeout))
		return fmt.Errorf("raftnet: append entries to %s: no answer within %s", target, n.timeout)
	}
}

// session returns the live connection to target, dialing one if needed.
func (n *Net) session(target raft.ServerAddress) (*session, error) {
	p, err := n.peer(target)
	if err != nil {
		return nil, err
	}
	if s := p.s.Load(); s != nil && s.c.failure() == nil {
		return s, nil
	}
	p.dialing.Lock()
	defer p.dialing.Unlock()
	if s := p.s.Load(); s != nil && s.c.failure() == nil {
		return s, nil
	}
	conn, err := n.layer.Dial(target, n.timeout)
	if err != nil {
		return nil, fmt.Errorf("raftnet: dial %s: %w", target, err)
	}
	n.counters.dials.Add(1)
	s := &session{c: newFrameConn(conn, n.timeout), calls: make(map[uint64]chan callResult)}
	if !n.spawn(s.readLoop) {
		s.c.close(net.ErrClosed)
		return nil, fmt.Errorf("raftnet: dial %s: %w", target, net.ErrClosed)
	}
	p.s.Store(s)
	return s, nil
}

func (n *Net) peer(target raft.ServerAddress) (*peer, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return nil, fmt.Errorf("raftnet: %w", net.ErrClosed)
	}
	p := n.peers[target]
	if p == nil {
		p = &peer{addr: target}
		n.peers[target] = p
	}
	return p, nil
}

// register returns a new call number and the channel its answer comes on.
func (s *session) register() (uint64, chan callResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.calls == nil {
		return 0, nil, s.c.failure()
	}
	s.next++
	ch := make(chan callResult, 1)
	s.calls[s.next] = ch
	return s.next, ch, nil
}

func (s *session) forget(call uint64) {
	s.mu.Lock()
	delete(s.calls, call)
	s.mu.Unlock()
}

// deliver hands r to the call waiting for it, if it still waits.
func (s *session) deliver(call uint64, r callResult) {
	s.mu.Lock()
	ch := s.calls[call]
	delete(s.calls, call)
	s.mu.Unlock()
	if ch != nil {
		ch <- r
	}
}

// readLoop reads answers until the connection fails, then fails every call
// still waiting.
func (s *session) readLoop() {
	err := s.readAnswers()
	s.c.fail(err)
	s.mu.Lock()
	calls := s.calls
	s.calls = nil
	s.mu.Unlock()
	err = s.c.failure()
	for _, ch := range calls {
		ch <- callResult{err: err}
	}
	s.c.close(err)
}

func (s *session) readAnswers() error {
	for {
		kind, body, err := s.c.readFrame()
		if err != nil {
			return fmt.Errorf("raftnet: read from %s: %w", s.c.conn.RemoteAddr(), err)
		}
		switch kind {
		case kindAnswer:
			call, resp, err := decodeAnswer(body)
			if err != nil {
				return err
			}
			s.deliver(call, callResult{resp: resp})
		case kindFailure:
			call, msg, err := decodeFailure(body)
			if err != nil {
				return err
			}
			s.deliver(call, callResult{err: fmt.Errorf("raftnet: peer %s: %s", s.c.conn.RemoteAddr(), msg)})
		default:
			return fmt.Errorf("%w: kind %d from a peer's answers", errMalformed, kind)
		}
	}
}
