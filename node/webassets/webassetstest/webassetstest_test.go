package webassetstest

import (
	"net/http"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"

	"github.com/treekv/kv/node/webassets"
)

func TestGetReturnsTheHandlersAnswer(t *testing.T) {
	h := webassets.Handler(fstest.MapFS{"index.html": {Data: []byte("<p>hi</p>")}}, "default-src 'self'")
	tests := []struct {
		path string
		code int
		body string
	}{
		{"/", http.StatusOK, "<p>hi</p>"},
		{"/index.html", http.StatusOK, "<p>hi</p>"},
		{"/nope", http.StatusNotFound, "404 page not found\n"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec := Get(h, tt.path)
			assert.Equal(t, tt.code, rec.Code)
			assert.Equal(t, tt.body, rec.Body.String())
		})
	}
}

func TestAssertServesPassesForAPageThatServesItsFiles(t *testing.T) {
	files := fstest.MapFS{
		"index.html": {Data: []byte("<title>page</title>")},
		"app.js":     {Data: []byte("start()")},
	}
	AssertServes(t, webassets.Handler(files, "default-src 'self'"), "default-src 'self'", []File{
		{"/", "text/html; charset=utf-8", "<title>page</title>"},
		{"/app.js", "text/javascript; charset=utf-8", "start()"},
	})
}
