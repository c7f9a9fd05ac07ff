package faults

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Direction names one way of a proxied link.
type Direction int

// The two directions of a link.
const (
	// ClientToTarget carries the bytes the dialing side writes.
	ClientToTarget Direction = iota
	// TargetToClient carries the bytes the target answers with.
	TargetToClient
)

// String names the direction.
func (d Direction) String() string {
	if d == ClientToTarget {
		return "client->target"
	}
	return "target->client"
}

// ProxyConfig configures a Proxy.
type ProxyConfig struct {
	// Target is the host:port every accepted connection is forwarded to;
	// required.
	Target string
	// Seed seeds the random choices of Drop, so a run can be replayed.
	Seed uint64
	// DialTimeout bounds the dial to Target. Default 5s.
	DialTimeout time.Duration
}

// faultSet is what one direction of the link suffers.
type faultSet struct {
	cut   bool
	drop  float64
	delay time.Duration
}

// Proxy is a TCP proxy on 127.0.0.1 that forwards every connection to one
// target and injects faults per direction. Faults apply to the chunks of
// bytes as they are read, so a change takes effect at once on connections
// already open. All its methods are safe for concurrent use.
//
// TCP cannot lose part of a stream without corrupting it, so faults show
// themselves as a lossy or broken network does to an application over
// TCP: a cut link closes its connections and closes new ones at once, and
// a lossy link closes a connection when it "loses" one of its chunks.
type Proxy struct {
	cfg  ProxyConfig
	ln   net.Listener
	wg   sync.WaitGroup
	live atomic.Int64 // goroutines running, for tests of Close

	mu     sync.Mutex
	rng    *rand.Rand
	faults [2]faultSet
	pipes  map[*pipe]struct{}
	closed bool
}

// NewProxy listens on 127.0.0.1:0 and starts forwarding to cfg.Target.
func NewProxy(cfg ProxyConfig) (*Proxy, error) {
	if _, _, err := net.SplitHostPort(cfg.Target); err != nil {
		return nil, fmt.Errorf("proxy target %q: %w", cfg.Target, err)
	}
	if cfg.DialTimeout == 0 {
		cfg.DialTimeout = 5 * time.Second
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("proxy listen: %w", err)
	}
	p := &Proxy{cfg: cfg, ln: ln, pipes: map[*pipe]struct{}{},
		rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))}
	p.spawn(p.acceptLoop)
	return p, nil
}

// Addr returns the address to dial instead of the target.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Cut cuts (true) or restores (false) one direction of the link. Since a
// TCP stream needs both directions, cutting either closes every open
// connection and closes new ones as soon as they are accepted; bytes read
// in a cut direction meanwhile are discarded. The link carries traffic
// again once neither direction is cut.
func (p *Proxy) Cut(dir Direction, cut bool) {
	p.mu.Lock()
	p.faults[dir].cut = cut
	var open []*pipe
	if cut {
		open = p.pipesLocked()
	}
	p.mu.Unlock()
	for _, pp := range open {
		pp.close()
	}
}

// Drop makes one direction lossy: each chunk of bytes read in it is lost
// with probability fraction (clamped to [0, 1]), and losing a chunk closes
// its connection, as a TCP connection over a lossy link eventually breaks.
// 0 loses nothing.
func (p *Proxy) Drop(dir Direction, fraction float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults[dir].drop = min(max(fraction, 0), 1)
}

// Delay holds every chunk read in one direction for d before forwarding
// it, keeping the chunks in order. 0 forwards at once.
func (p *Proxy) Delay(dir Direction, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults[dir].delay = max(d, 0)
}

// Heal removes every fault of both directions. Connections closed by a
// fault stay closed; new ones are forwarded.
func (p *Proxy) Heal() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults = [2]faultSet{}
}

// Close stops accepting, closes every connection on both sides, and waits
// for all the proxy's goroutines to end. Calls after the first return nil.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	open := p.pipesLocked()
	p.mu.Unlock()
	err := p.ln.Close()
	for _, pp := range open {
		pp.close()
	}
	p.wg.Wait()
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}

// spawn runs fn in a goroutine that Close waits for.
func (p *Proxy) spawn(fn func()) {
	p.wg.Add(1)
	p.live.Add(1)
	go func() {
		defer p.wg.Done()
		defer p.live.Add(-1)
		fn()
	}()
}

func (p *Proxy) pipesLocked() []*pipe {
	open := make([]*pipe, 0, len(p.pipes))
	for pp := range p.pipes {
		open = append(open, pp)
	}
	return open
}

// cutLocked reports whether either direction is cut.
func (p *Proxy) cutLocked() bool {
	return p.faults[ClientToTarget].cut || p.faults[TargetToClient].cut
}

// verdict decides the fate of one chunk read in dir: forward it after
// delay, or lose it and break the connection.
func (p *Proxy) verdict(dir Direction) (delay time.Duration, lose bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f := p.faults[dir]
	if f.cut || p.closed {
		return 0, true
	}
	if f.drop > 0 && p.rng.Float64() < f.drop {
		return 0, true
	}
	return f.delay, false
}
