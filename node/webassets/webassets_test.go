package webassets

import (
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testCSP is the policy the test page is served with.
const testCSP = "default-src 'self'"

// page is a small page with one file of each kind, and a nested file that
// is not served.
func page() fstest.MapFS {
	return fstest.MapFS{
		"index.html":  {Data: []byte(`<title>test</title><script type="module" src="app.js"></script>`)},
		"app.js":      {Data: []byte("start()")},
		"style.css":   {Data: []byte("body { margin: 0 }")},
		"logo.png":    {Data: []byte{0x89, 'P', 'N', 'G'}},
		"sub/deep.js": {Data: []byte("hidden()")},
	}
}

// serve runs one request through a Handler of page.
func serve(t *testing.T, method, path string, header http.Header) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	Handler(page(), testCSP).ServeHTTP(rec, req)
	return rec
}

func TestHandlerServesFilesWithTheirContentTypes(t *testing.T) {
	tests := []struct {
		path, contentType, body string
	}{
		{"/", "text/html; charset=utf-8", `<title>test</title><script type="module" src="app.js"></script>`},
		{"/index.html", "text/html; charset=utf-8", `<title>test</title><script type="module" src="app.js"></script>`},
		{"/app.js", "text/javascript; charset=utf-8", "start()"},
		{"/style.css", "text/css; charset=utf-8", "body { margin: 0 }"},
		{"/logo.png", "application/octet-stream", "\x89PNG"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec := serve(t, http.MethodGet, tt.path, nil)
			require.Equal(t, http.StatusOK, rec.Code)
			assert.Equal(t, tt.contentType, rec.Header().Get("Content-Type"))
			assert.Equal(t, tt.body, rec.Body.String())
		})
	}
}

func TestHandlerSetsSecurityHeadersOnEveryFile(t *testing.T) {
	for _, name := range Names(page()) {
		t.Run(name, func(t *testing.T) {
			rec := serve(t, http.MethodGet, "/"+name, nil)
			require.Equal(t, http.StatusOK, rec.Code)
			assert.Equal(t, testCSP, rec.Header().Get("Content-Security-Policy"))
			assert.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))
		})
	}
}

func TestHandlerLetsBrowsersRevalidateWithETags(t *testing.T) {
	first := serve(t, http.MethodGet, "/app.js", nil)
	require.Equal(t, http.StatusOK, first.Code)
	assert.Equal(t, "no-cache", first.Header().Get("Cache-Control"))
	etag := first.Header().Get("ETag")
	require.Regexp(t, `^"[0-9a-f]{32}"$`, etag, "a strong ETag")

	again := serve(t, http.MethodGet, "/app.js", http.Header{"If-None-Match": {etag}})
	assert.Equal(t, http.StatusNotModified, again.Code)
	assert.Empty(t, again.Body.String())

	stale := serve(t, http.MethodGet, "/app.js", http.Header{"If-None-Match": {`"old"`}})
	assert.Equal(t, http.StatusOK, stale.Code)
	assert.Equal(t, "start()", stale.Body.String())

	other := serve(t, http.MethodGet, "/style.css", nil)
	assert.NotEqual(t, etag, other.Header().Get("ETag"), "each file has its own ETag")
}

func TestHandlerAnswersHeadWithHeadersAndNoBody(t *testing.T) {
	get := serve(t, http.MethodGet, "/app.js", nil)
	head := serve(t, http.MethodHead, "/app.js", nil)
	require.Equal(t, http.StatusOK, head.Code)
	assert.Empty(t, head.Body.String())
	for _, h := range []string{"Content-Type", "Content-Length", "ETag", "Cache-Control"} {
		assert.Equal(t, get.Header().Get(h), head.Header().Get(h), h)
	}
}

func TestHandlerAnswersNotFoundForUnknownPaths(t *testing.T) {
	for _, path := range []string{"/nope", "/app.jsx", "/sub/deep.js", "/sub", "/x/app.js", "/favicon.ico", "/.."} {
		t.Run(path, func(t *testing.T) {
			assert.Equal(t, http.StatusNotFound, serve(t, http.MethodGet, path, nil).Code)
		})
	}
}

func TestHandlerRefusesMethodsOtherThanGetAndHead(t *testing.T) {
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
		t.Run(method, func(t *testing.T) {
			rec := serve(t, method, "/", nil)
			require.Equal(t, http.StatusMethodNotAllowed, rec.Code)
			assert.Equal(t, "GET, HEAD", rec.Header().Get("Allow"))
		})
	}
}

func TestHandlerServesThePageUnderStripPrefix(t *testing.T) {
	h := http.StripPrefix("/ui", Handler(page(), testCSP))
	tests := []struct{ path, body string }{
		{"/ui", `<title>test</title><script type="module" src="app.js"></script>`},
		{"/ui/", `<title>test</title><script type="module" src="app.js"></script>`},
		{"/ui/app.js", "start()"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.path, nil))
			require.Equal(t, http.StatusOK, rec.Code)
			assert.Equal(t, tt.body, rec.Body.String())
		})
	}
}

func TestNamesListsTopLevelFilesSorted(t *testing.T) {
	assert.Equal(t, []string{"app.js", "index.html", "logo.png", "style.css"}, Names(page()))
}

// brokenFS fails every operation, like a file system that cannot be read.
type brokenFS struct{}

func (brokenFS) Open(string) (fs.File, error) { return nil, errors.New("broken") }

func TestHandlerAndNamesPanicOnUnreadableFiles(t *testing.T) {
	assert.Panics(t, func() { Handler(brokenFS{}, testCSP) })
	assert.Panics(t, func() { Names(brokenFS{}) })
}

func FuzzHandler(f *testing.F) {
	for _, p := range []string{"/", "/app.js", "/sub/deep.js", "/..", "//", "/%00"} {
		f.Add(p)
	}
	h := Handler(page(), testCSP)
	f.Fuzz(func(t *testing.T, p string) {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.URL.Path = p
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		assert.Contains(t, []int{http.StatusOK, http.StatusNotFound}, rec.Code, p)
	})
}
