package node

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestBufferPoolLendsFullSizeBuffers(t *testing.T) {
	p := newBufferPool()
	b := p.Get()
	require.Len(t, b, forwardBufferSize)
	p.Put(b)
	p.Put(make([]byte, 10)) // a foreign buffer is dropped, not lent out again
	for range 3 {
		require.Len(t, p.Get(), forwardBufferSize)
	}
}
