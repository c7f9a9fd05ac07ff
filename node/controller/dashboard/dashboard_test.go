package dashboard

import (
	"io/fs"
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
		{"/", "text/html", "<title>treekv controller</title>"},
		{"/index.html", "text/html", `<script type="module" src="app.js">`},
		{"/app.js", "text/javascript", "live.start()"},
		{"/live.js", "text/javascript", "new EventSource('/v1/events')"},
		{"/style.css", "text/css", ".role-leader"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec := serve(t, http.MethodGet, tt.path, nil)
			require.Equal(t, http.StatusOK, rec.Code)
			assert.True(t, strings.HasPrefix(rec.Header().Get("Content-Type"), tt.contentType),
				"Content-Type %q", rec.Header().Get("Content-Type"))
			assert.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))
			assert.Contains(t, rec.Body.String(), tt.contains)
		})
	}
}

func TestHandlerAnswersNotFoundForUnknownPaths(t *testing.T) {
	for _, path := range []string{"/nope", "/app.jsx", "/v1/cluster", "/x/app.js", "/favicon.ico", "/.."} {
		t.Run(path, func(t *testing.T) {
			assert.Equal(t, http.StatusNotFound, serve(t, http.MethodGet, path, nil).Code)
		})
	}
}

func TestHandlerRefusesMethodsOtherThanGetAndHead(t *testing.T) {
	tests := []struct {
		method string
		code   int
	}{
		{http.MethodHead, http.StatusOK},
		{http.MethodPost, http.StatusMethodNotAllowed},
		{http.MethodPut, http.StatusMethodNotAllowed},
		{http.MethodDelete, http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			rec := serve(t, tt.method, "/", nil)
			require.Equal(t, tt.code, rec.Code)
			if tt.code == http.StatusMethodNotAllowed {
				assert.Equal(t, "GET, HEAD", rec.Header().Get("Allow"))
			}
		})
	}
}

func TestHandlerLetsBrowsersRevalidateWithETags(t *testing.T) {
	first := serve(t, http.MethodGet, "/app.js", nil)
	require.Equal(t, http.StatusOK, first.Code)
	assert.Equal(t, "no-cache", first.Header().Get("Cache-Control"))
	etag := first.Header().Get("ETag")
	require.NotEmpty(t, etag)

	again := serve(t, http.MethodGet, "/app.js", http.Header{"If-None-Match": {etag}})
	assert.Equal(t, http.StatusNotModified, again.Code)
	assert.Empty(t, again.Body.String())

	other := serve(t, http.MethodGet, "/style.css", nil)
	assert.NotEqual(t, etag, other.Header().Get("ETag"), "each asset has its own ETag")
}

func TestHandlerServesThePageUnderStripPrefix(t *testing.T) {
	h := http.StripPrefix("/ui", Handler())
	for _, path := range []string{"/ui", "/ui/"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		require.Equal(t, http.StatusOK, rec.Code, path)
		assert.Contains(t, rec.Body.String(), "<title>treekv controller</title>", path)
	}
}

func TestAssetsLoadNothingFromAnotherSite(t *testing.T) {
	entries, err := fs.ReadDir(assets, ".")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(entries), 3)
	for _, e := range entries {
		body, err := assets.ReadFile(e.Name())
		require.NoError(t, err)
		text := strings.ToLower(string(body))
		assert.NotContains(t, text, "http://", e.Name())
		assert.NotContains(t, text, "https://", e.Name())
		assert.NotContains(t, text, "@import", e.Name())
	}
}

func TestAssetsReferenceOnlyRelativeLocalAssetsThatExist(t *testing.T) {
	// The src and href attributes of HTML, the module specifiers of imports.
	references := regexp.MustCompile(`(?:src|href)="([^"]*)"|from '([^']*)'`)
	entries, err := fs.ReadDir(assets, ".")
	require.NoError(t, err)
	seen := 0
	for _, e := range entries {
		body, err := assets.ReadFile(e.Name())
		require.NoError(t, err)
		for _, m := range references.FindAllStringSubmatch(string(body), -1) {
			ref := m[1] + m[2]
			if strings.HasPrefix(ref, "data:") {
				continue // inline, loads nothing
			}
			seen++
			t.Run(e.Name()+"->"+ref, func(t *testing.T) {
				require.NotContains(t, ref, "//", "no scheme-relative or absolute URL")
				require.False(t, strings.HasPrefix(ref, "/"), "relative, so the page works under a prefix")
				name := strings.TrimPrefix(ref, "./")
				assert.Equal(t, http.StatusOK, serve(t, http.MethodGet, "/"+name, nil).Code)
			})
		}
	}
	require.Greater(t, seen, 10, "index.html and the modules reference each other")
}
