package balancer

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// The status page and its assets are served at "/", next to the API; other
// unknown paths still answer the API's JSON 404.
func TestStatusPageMounted(t *testing.T) {
	a := newFakeNode(t, "a")
	tb := startBalancer(t, Config{Backends: hosts(a), CheckInterval: -1})
	tests := []struct{ path, contentType string }{
		{"/", "text/html; charset=utf-8"},
		{"/index.html", "text/html; charset=utf-8"},
		{"/app.js", "text/javascript; charset=utf-8"},
		{"/style.css", "text/css; charset=utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			ans := tb.get(tt.path)
			require.Equal(t, http.StatusOK, ans.status)
			require.Equal(t, tt.contentType, ans.header.Get("Content-Type"))
		})
	}
	requireError(t, tb.get("/nope.js"), http.StatusNotFound, "not_found")
	require.Zero(t, a.hits(), "the page is the balancer's own")
}
