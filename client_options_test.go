package kv

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestClientGetWithSetsConsistency(t *testing.T) {
	value := fakeReply{status: 200, header: map[string]string{"X-Kv-Revision": "3"}, body: "v"}
	tests := []struct {
		name      string
		opts      ReadOptions
		wantQuery string
	}{
		{"linearizable by default", ReadOptions{}, ""},
		{"stale", ReadOptions{Stale: true}, "stale"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeServer(t, value)
			v, err := newFakeClient(t, 1, srv.URL).GetWith(t.Context(), "k", tt.opts)
			require.NoError(t, err)
			require.Equal(t, Value{Data: []byte("v"), Revision: 3}, v)
			require.Equal(t, tt.wantQuery, srv.requests()[0].query.Get("consistency"))
		})
	}
}

func TestClientScanIterPagesLazily(t *testing.T) {
	pages := []fakeReply{
		ok(`{"items":[{"key":"a","value":"MQ==","revision":1},{"key":"b","value":"Mg==","revision":2}],"next":"c1"}`),
		ok(`{"items":[{"key":"c","value":"Mw==","revision":3}],"next":""}`),
	}
	t.Run("every item, following the cursor", func(t *testing.T) {
		srv := newFakeServer(t, pages...)
		var keys []string
		for item, err := range newFakeClient(t, 1, srv.URL).ScanIter(t.Context(), ScanOptions{Limit: 2}) {
			require.NoError(t, err)
			keys = append(keys, item.Key)
		}
		require.Equal(t, []string{"a", "b", "c"}, keys)
		require.Equal(t, "c1", srv.requests()[1].query.Get("cursor"))
	})
	t.Run("breaking out fetches no further page", func(t *testing.T) {
		srv := newFakeServer(t, pages...)
		for range newFakeClient(t, 1, srv.URL).ScanIter(t.Context(), ScanOptions{Limit: 2}) {
			break
		}
		require.Len(t, srv.requests(), 1)
	})
	t.Run("an error is yielded once and ends the scan", func(t *testing.T) {
		srv := newFakeServer(t, pages[0], apiError(500, "internal"))
		var keys []string
		var errs []error
		for item, err := range newFakeClient(t, 1, srv.URL).ScanIter(t.Context(), ScanOptions{}) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			keys = append(keys, item.Key)
		}
		require.Equal(t, []string{"a", "b"}, keys)
		require.Len(t, errs, 1)
		require.ErrorIs(t, errs[0], ErrInternal)
	})
}

func TestNewClientWithController(t *testing.T) {
	tests := []struct {
		name    string
		cfg     ClientConfig
		wantErr string
	}{
		{"controller alone is enough", ClientConfig{Controller: "127.0.0.1:1"}, ""},
		{"several controllers", ClientConfig{Controller: "http://h:1, h:2", Endpoints: []string{"h:3"}}, ""},
		{"a blank controller URL", ClientConfig{Controller: "h:1,,h:2"}, `Controller URL 2 ("") is empty`},
		{"a bad scheme", ClientConfig{Controller: "ftp://h:1"}, `has scheme "ftp"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewClient(tt.cfg)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			c.Close()
			c.Close() // a second Close is harmless
		})
	}
}

// Without endpoints, a call waits for the first cluster map, and the
// context bounds that wait.
func TestClientWithoutMapWaitsForTheContext(t *testing.T) {
	srv := newFakeServer(t, apiError(503, "unavailable")) // a controller that never has a view
	c, err := NewClient(ClientConfig{Controller: srv.URL})
	require.NoError(t, err)
	defer c.Close()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = c.Get(ctx, "k")
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, err, ErrUnavailable)
}
