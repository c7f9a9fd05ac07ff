package raftnet

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"runtime"
	"sync"
	"time"
)

// maxKeptBuffer bounds the write buffer a connection keeps between writes.
const maxKeptBuffer = 1 << 20

// frameConn is one connection's two halves: a writer goroutine that sends
// every frame queued since its last write with one system call, and a
// buffered reader of frames for the goroutine that reads.
type frameConn struct {
	conn    net.Conn
	timeout time.Duration // bounds each write; 0 for none
	r       *bufio.Reader

	out []byte // the writer's buffer, reused

	mu     sync.Mutex
	queue  [][]byte // frames waiting for the writer
	err    error    // sticky: once set, the connection is done
	wake   chan struct{}
	closed chan struct{} // closed by fail
	wg     sync.WaitGroup
}

func newFrameConn(conn net.Conn, timeout time.Duration) *frameConn {
	c := &frameConn{
		conn:    conn,
		timeout: timeout,
		r:       bufio.NewReaderSize(conn, 64<<10),
		wake:    make(chan struct{}, 1),
		closed:  make(chan struct{}),
	}
	c.wg.Go(c.writeLoop)
	return c
}

// send queues frame for the writer, which owns it from then on.
func (c *frameConn) send(frame []byte) error {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return c.err
	}
	c.queue = append(c.queue, frame)
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	return nil
}

// writeLoop writes the queued frames, all at once, until the connection
// fails or closes.
func (c *frameConn) writeLoop() {
	var spare [][]byte
	for {
		select {
		case <-c.wake:
		case <-c.closed:
			return
		}
		runtime.Gosched() // let frames ready to be queued join this write
		c.mu.Lock()
		frames := c.queue
		c.queue = spare[:0] // the two slices take turns: never the same array
		c.mu.Unlock()
		if len(frames) > 0 {
			if err := c.write(frames); err != nil {
				c.fail(fmt.Errorf("raftnet: write to %s: %w", c.conn.RemoteAddr(), err))
				return
			}
		}
		clear(frames)
		spare = frames
	}
}

// write writes frames with one call: copied into one buffer, as the
// connection may not take a vector of them (a wrapped TCP connection).
func (c *frameConn) write(frames [][]byte) error {
	if c.timeout > 0 {
		if err := c.conn.SetWriteDeadline(time.Now().Add(c.timeout)); err != nil {
			return err
		}
	}
	buf := frames[0]
	if len(frames) > 1 {
		buf = c.out[:0]
		for _, f := range frames {
			buf = append(buf, f...)
		}
		if cap(buf) <= maxKeptBuffer {
			c.out = buf
		}
	}
	_, err := c.conn.Write(buf)
	return err
}

// readFrame reads the next frame and returns its kind and body, which is
// the caller's to keep.
func (c *frameConn) readFrame() (byte, []byte, error) {
	var head [frameHeader + 1]byte
	if _, err := io.ReadFull(c.r, head[:]); err != nil {
		return 0, nil, err
	}
	n := binary.LittleEndian.Uint32(head[:])
	if n == 0 || n > maxFrame {
		return 0, nil, fmt.Errorf("%w: frame of %d bytes", errMalformed, n)
	}
	body := make([]byte, n-1)
	if _, err := io.ReadFull(c.r, body); err != nil {
		return 0, nil, err
	}
	return head[frameHeader], body, nil
}

// fail closes the connection with err, unless it failed before, and
// reports whether this call did it.
func (c *frameConn) fail(err error) bool {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return false
	}
	c.err = err
	c.mu.Unlock()
	close(c.closed)
	_ = c.conn.Close()
	return true
}

// close fails the connection and waits for its writer.
func (c *frameConn) close(err error) {
	c.fail(err)
	c.wg.Wait()
}

// failure returns the error the connection failed with.
func (c *frameConn) failure() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}
