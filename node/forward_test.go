package node

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
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

// writeCounter is a connection that counts the writes made on it.
type writeCounter struct {
	net.Conn
	writes *atomic.Int64
}

func (c writeCounter) Write(b []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(b)
}

// TestForwardSendsRequestInOneWrite checks that a relayed write whose body
// fits the transport's write buffer (4 KiB) leaves in a single write, its
// headers and body together, rather than headers first.
func TestForwardSendsRequestInOneWrite(t *testing.T) {
	bodies := make(chan []byte, 1)
	leader := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		bodies <- body
		WriteJSON(w, http.StatusOK, PutResponse{Revision: 1})
	}))
	defer leader.Close()
	f := newForwarder("n1")
	defer f.close()
	var writes atomic.Int64
	dial := f.transport.DialContext
	f.transport.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return writeCounter{Conn: conn, writes: &writes}, nil
	}
	for _, body := range []string{"v", strings.Repeat("v", 256), strings.Repeat("v", 2048)} {
		t.Run(strconv.Itoa(len(body)), func(t *testing.T) {
			writes.Store(0)
			r := httptest.NewRequest(http.MethodPut, "/v1/kv/a", nil)
			rec := httptest.NewRecorder()
			f.forward(rec, r, strings.TrimPrefix(leader.URL, "http://"), []byte(body))
			require.Equal(t, http.StatusOK, rec.Code, "%s", rec.Body)
			require.Equal(t, body, string(<-bodies))
			require.Equal(t, int64(1), writes.Load())
		})
	}
}
