package ui

import (
	"net/http"
	"net/http/httptest"
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
		{"/", "text/html; charset=utf-8", "<title>treekv client</title>"},
		{"/index.html", "text/html; charset=utf-8", `<script type="module" src="app.js">`},
		{"/app.js", "text/javascript; charset=utf-8", "health.start()"},
		{"/api.js", "text/javascript; charset=utf-8", "'X-Requested-With': 'treekv-ui'"},
		{"/style.css", "text/css; charset=utf-8", "@media"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec := serve(t, http.MethodGet, tt.path, nil)
			require.Equal(t, http.StatusOK, rec.Code)
			assert.Equal(t, tt.contentType, rec.Header().Get("Content-Type"))
			assert.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))
			assert.Equal(t, ContentSecurityPolicy, rec.Header().Get("Content-Security-Policy"))
			assert.Equal(t, "no-cache", rec.Header().Get("Cache-Control"))
			assert.Contains(t, rec.Body.String(), tt.contains)
		})
	}
}

func TestHandlerRevalidatesWithETag(t *testing.T) {
	etag := serve(t, http.MethodGet, "/app.js", nil).Header().Get("ETag")
	require.NotEmpty(t, etag)
	rec := serve(t, http.MethodGet, "/app.js", http.Header{"If-None-Match": {etag}})
	assert.Equal(t, http.StatusNotModified, rec.Code)
}

func TestHandlerAnswersNotFoundAndMethodNotAllowed(t *testing.T) {
	tests := []struct {
		method, path string
		code         int
	}{
		{http.MethodGet, "/nope.js", http.StatusNotFound},
		{http.MethodGet, "/x/app.js", http.StatusNotFound},
		{http.MethodGet, "/favicon.ico", http.StatusNotFound},
		{http.MethodPost, "/", http.StatusMethodNotAllowed},
		{http.MethodDelete, "/app.js", http.StatusMethodNotAllowed},
		{http.MethodHead, "/", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			assert.Equal(t, tt.code, serve(t, tt.method, tt.path, nil).Code)
		})
	}
}

func TestAssetsLoadNothingFromOtherSites(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			body, err := assets.ReadFile(name)
			require.NoError(t, err)
			text := strings.ToLower(string(body))
			assert.NotContains(t, text, "http://")
			assert.NotContains(t, text, "https://")
			assert.NotContains(t, text, "innerhtml", "values are rendered as text, never as HTML")
			assert.NotContains(t, text, "eval(")
		})
	}
}

func TestPageHasNoInlineScriptOrStyle(t *testing.T) {
	page, err := assets.ReadFile("index.html")
	require.NoError(t, err)
	html := string(page)
	assert.Equal(t, strings.Count(html, "<script"), strings.Count(html, `<script type="module" src=`))
	assert.NotContains(t, html, "<style")
	assert.NotContains(t, html, " style=")
	assert.NotRegexp(t, `(?i)\son[a-z]+\s*=`, html, "no inline event handlers")
}
