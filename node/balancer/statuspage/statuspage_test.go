package statuspage

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// serve runs one request through a fresh Handler.
func serve(t *testing.T, method, path string, header http.Header) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, req)
	return rec
}

func TestHandlerServesAssetsWithTheirContentTypes(t *testing.T) {
	tests := []struct {
		path, contentType, contains string
	}{
		{"/", "text/html", "<title>treekv load balancer</title>"},
		{"/index.html", "text/html", `<script type="module" src="app.js">`},
		{"/app.js", "text/javascript", "fetch('/v1/status'"},
		{"/style.css", "text/css", ".badge"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec := serve(t, http.MethodGet, tt.path, nil)
			require.Equal(t, http.StatusOK, rec.Code)
			assert.True(t, strings.HasPrefix(rec.Header().Get("Content-Type"), tt.contentType),
				"Content-Type %q", rec.Header().Get("Content-Type"))
			assert.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))
			assert.Contains(t, rec.Header().Get("Content-Security-Policy"), "default-src 'self'")
			assert.Contains(t, rec.Body.String(), tt.contains)
		})
	}
}

func TestNamesAreServed(t *testing.T) {
	for _, name := range Names() {
		assert.Equal(t, http.StatusOK, serve(t, http.MethodGet, "/"+name, nil).Code, name)
	}
}

func TestHandlerAnswersNotFoundForUnknownPaths(t *testing.T) {
	for _, path := range []string{"/nope", "/x/app.js", "/favicon.ico", "/v1/status"} {
		t.Run(path, func(t *testing.T) {
			assert.Equal(t, http.StatusNotFound, serve(t, http.MethodGet, path, nil).Code)
		})
	}
}

func TestHandlerRefusesMethodsOtherThanGetAndHead(t *testing.T) {
	assert.Equal(t, http.StatusOK, serve(t, http.MethodHead, "/", nil).Code)
	rec := serve(t, http.MethodPost, "/", nil)
	assert.Equal(t, http.StatusMethodNotAllowed, rec.Code)
	assert.Equal(t, "GET, HEAD", rec.Header().Get("Allow"))
}

func TestHandlerLetsBrowsersRevalidateWithETags(t *testing.T) {
	first := serve(t, http.MethodGet, "/app.js", nil)
	etag := first.Header().Get("ETag")
	require.NotEmpty(t, etag)
	assert.Equal(t, "no-cache", first.Header().Get("Cache-Control"))
	again := serve(t, http.MethodGet, "/app.js", http.Header{"If-None-Match": {etag}})
	assert.Equal(t, http.StatusNotModified, again.Code)
}

// The page loads nothing from other sites and never writes HTML from data.
func TestPageIsSelfContained(t *testing.T) {
	remote := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:)?//`)
	for _, name := range Names() {
		body := serve(t, http.MethodGet, "/"+name, nil).Body.String()
		assert.False(t, remote.MatchString(body), "%s loads from another site", name)
		assert.NotContains(t, body, "innerHTML", name)
		assert.NotContains(t, body, "insertAdjacentHTML", name)
	}
}
