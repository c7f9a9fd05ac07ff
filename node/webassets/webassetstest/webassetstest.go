// Package webassetstest holds the checks a package serving a page with
// webassets runs in its tests: that its own files are served, with their
// content types and its security policy. The generic behaviour (ETags,
// 404, 405, HEAD) is tested once, in package webassets.
package webassetstest

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// File is one file a page must serve.
type File struct {
	// Path is the request path, such as "/" or "/app.js".
	Path string
	// ContentType is the exact Content-Type the file is served with.
	ContentType string
	// Contains is a piece of the body that identifies the file.
	Contains string
}

// Get returns h's answer to a GET of path.
func Get(h http.Handler, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

// AssertServes runs one subtest per file, each asserting that h answers a
// GET of file.Path with 200, file.ContentType, Content-Security-Policy: csp
// and a body containing file.Contains.
func AssertServes(t *testing.T, h http.Handler, csp string, files []File) {
	t.Helper()
	for _, f := range files {
		t.Run(f.Path, func(t *testing.T) {
			rec := Get(h, f.Path)
			require.Equal(t, http.StatusOK, rec.Code)
			assert.Equal(t, f.ContentType, rec.Header().Get("Content-Type"))
			assert.Equal(t, csp, rec.Header().Get("Content-Security-Policy"))
			assert.Contains(t, rec.Body.String(), f.Contains)
		})
	}
}
