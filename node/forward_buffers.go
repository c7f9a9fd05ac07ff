package node

import "sync"

// forwardBufferSize is the size of the buffers that copy forwarded answers.
const forwardBufferSize = 32 << 10

// bufferPool lends the reverse proxy its copy buffers, so forwarding a
// request allocates none in the steady state. It implements
// httputil.BufferPool.
type bufferPool struct{ pool sync.Pool }

func newBufferPool() *bufferPool {
	return &bufferPool{pool: sync.Pool{New: func() any { return new([forwardBufferSize]byte) }}}
}

// Get returns a buffer of forwardBufferSize bytes.
func (p *bufferPool) Get() []byte { return p.pool.Get().(*[forwardBufferSize]byte)[:] }

// Put returns a buffer that Get lent.
func (p *bufferPool) Put(b []byte) {
	if cap(b) == forwardBufferSize {
		p.pool.Put((*[forwardBufferSize]byte)(b[:forwardBufferSize]))
	}
}
