package faults

import (
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// chunkSize is the most bytes read at once, and so the most a fault takes
// as one chunk.
const chunkSize = 32 << 10

// queueLen is how many chunks one direction holds while they are delayed;
// a reader that gets this far ahead waits.
const queueLen = 64

// pipe is one proxied connection: the client's side and the target's.
type pipe struct {
	client, target net.Conn
	closer         sync.Once
	done           chan struct{}  // closed by close
	halves         sync.WaitGroup // the two directions' writers
}

// chunk is a run of bytes due to be written at a time.
type chunk struct {
	data []byte
	due  time.Time
}

func (p *Proxy) acceptLoop() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.spawn(func() { p.open(c) })
	}
}

// open dials the target for client and starts forwarding, unless the link
// is cut or the proxy closed, when it closes client at once.
func (p *Proxy) open(client net.Conn) {
	if p.refuse() {
		client.Close()
		return
	}
	target, err := net.DialTimeout("tcp", p.cfg.Target, p.cfg.DialTimeout)
	if err != nil {
		client.Close()
		return
	}
	pp := &pipe{client: client, target: target, done: make(chan struct{})}
	if !p.register(pp) {
		pp.close()
		return
	}
	pp.halves.Add(2)
	p.forward(pp, ClientToTarget, client, target)
	p.forward(pp, TargetToClient, target, client)
	p.spawn(func() { pp.halves.Wait(); p.unregister(pp) })
}

func (p *Proxy) refuse() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed || p.cutLocked()
}

// register tracks pp unless the link was cut or the proxy closed meanwhile.
func (p *Proxy) register(pp *pipe) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.cutLocked() {
		return false
	}
	p.pipes[pp] = struct{}{}
	return true
}

func (p *Proxy) unregister(pp *pipe) {
	pp.close()
	p.mu.Lock()
	delete(p.pipes, pp)
	p.mu.Unlock()
}

// forward starts one direction: a reader that applies the faults to each
// chunk and queues it, and a writer that writes each when it is due.
func (p *Proxy) forward(pp *pipe, dir Direction, src, dst net.Conn) {
	queue := make(chan chunk, queueLen)
	p.spawn(func() { p.read(pp, dir, src, queue) })
	p.spawn(func() {
		defer pp.halves.Done()
		write(pp, dst, queue)
	})
}

// read queues src's chunks until src ends or a fault breaks the pipe.
func (p *Proxy) read(pp *pipe, dir Direction, src net.Conn, queue chan<- chunk) {
	defer close(queue)
	buf := make([]byte, chunkSize)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			delay, lose := p.verdict(dir)
			if lose {
				pp.close()
				return
			}
			queue <- chunk{data: append([]byte(nil), buf[:n]...), due: time.Now().Add(delay)}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				pp.close()
			}
			return
		}
	}
}

// write writes each queued chunk to dst once it is due. When the queue
// ends it half-closes dst, so an EOF travels on as it came. If the pipe
// breaks first, it empties the queue so the reader never blocks.
func write(pp *pipe, dst net.Conn, queue <-chan chunk) {
	defer drain(queue)
	for c := range queue {
		if !pp.hold(c.due) {
			return
		}
		if _, err := dst.Write(c.data); err != nil {
			pp.close()
			return
		}
	}
	if tc, ok := dst.(*net.TCPConn); ok {
		_ = tc.CloseWrite() // fails only when the pipe is closed already
	}
}

// hold waits until due, the injected delay; it reports false if the pipe
// closes first.
func (pp *pipe) hold(due time.Time) bool {
	wait := time.Until(due)
	if wait <= 0 {
		return true
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-pp.done:
		return false
	}
}

// drain empties queue so its reader never blocks on a dead pipe.
func drain(queue <-chan chunk) {
	for range queue {
	}
}

// close closes both sides, which ends both directions' reads and writes.
func (pp *pipe) close() {
	pp.closer.Do(func() {
		close(pp.done)
		pp.client.Close()
		pp.target.Close()
	})
}
