package balancer

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/treekv/kv/node"
)

// The POST /v1/backends decoder never panics; it accepts only a base URL
// with a valid ID, and refuses everything else as a bad request.
func FuzzBackendsRequest(f *testing.F) {
	for _, seed := range []string{
		`{"id":"n1","url":"http://127.0.0.1:9001"}`,
		`{"url":"127.0.0.1:9001"}`,
		`{"url":"https://[::1]:9001/"}`,
		`{"id":"a/b","url":"127.0.0.1:1"}`,
		`{"url":"http://x/y?z#w"}`,
		`{"url":""}`,
		`{}{}`,
		`[]`,
		`null`,
		`{"id":1}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		id, u, err := decodeBackendRequest(data)
		if err != nil {
			require.True(t, errors.Is(err, node.ErrBadRequest), "%v", err)
			return
		}
		require.NoError(t, checkID(id))
		require.NotEmpty(t, u.Host)
		require.Contains(t, []string{"http", "https"}, u.Scheme)
		require.Empty(t, u.Path)
		again, err := parseBackendURL(u.String())
		require.NoError(t, err, "an accepted URL parses again")
		require.Equal(t, u.String(), again.String())
	})
}
