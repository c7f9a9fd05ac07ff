package node

import (
	"net"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestIdleConnsTracksFreshConnections(t *testing.T) {
	cases := map[string]struct {
		states []http.ConnState
		fresh  bool
	}{
		"new":                   {states: []http.ConnState{http.StateNew}, fresh: true},
		"active":                {states: []http.ConnState{http.StateNew, http.StateActive}},
		"idle after a request":  {states: []http.ConnState{http.StateNew, http.StateActive, http.StateIdle}},
		"closed before a byte":  {states: []http.ConnState{http.StateNew, http.StateClosed}},
		"hijacked":              {states: []http.ConnState{http.StateNew, http.StateActive, http.StateHijacked}},
		"second request closed": {states: []http.ConnState{http.StateNew, http.StateActive, http.StateIdle, http.StateActive, http.StateIdle, http.StateClosed}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := newIdleConns()
			conn, peer := net.Pipe()
			defer peer.Close()
			for _, s := range tc.states {
				c.track(conn, s)
			}
			_, fresh := c.fresh[conn]
			require.Equal(t, tc.fresh, fresh)
			c.closeFresh()
			require.Empty(t, c.fresh)
		})
	}
}
