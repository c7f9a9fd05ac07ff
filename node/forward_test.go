package node

import (
	"net/http"
	"net/http/httptest"
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

func TestForwardHopsIgnoresForgedCounts(t *testing.T) {
	cases := map[string]int{"": 0, "2": 2, "-1000000": 0, "x": 0, "3": 3}
	for header, want := range cases {
		r := httptest.NewRequest(http.MethodGet, "/v1/kv/a", nil)
		r.Header.Set(HeaderForwarded, header)
		require.Equal(t, want, forwardHops(r), "header %q", header)
	}
}
