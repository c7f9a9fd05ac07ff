// Package webassets serves a small static web page (HTML, CSS and
// JavaScript files with no build step, usually a go:embed variable) the way
// every treekv page is served: index.html at "/", each other file at its
// name, with a fixed content type, a strong ETag of its content,
// Cache-Control: no-cache, X-Content-Type-Options: nosniff and the page's
// Content-Security-Policy. The files are read once, when the handler is
// built; serving never touches the file system.
package webassets

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

// asset is one file of the page, ready to serve.
type asset struct {
	body        []byte
	contentType string
	etag        string
}

// handler serves the assets by name with one security policy.
type handler struct {
	files map[string]asset
	csp   string
}

// Handler returns a handler for the regular files at the top level of
// files: index.html at "/" (and at the empty path http.StripPrefix leaves),
// every file at "/NAME". Each answer carries the file's content type, a
// strong ETag of its content, Cache-Control: no-cache (so a browser
// revalidates cheaply with If-None-Match and never runs a stale page after
// an upgrade), X-Content-Type-Options: nosniff and Content-Security-Policy:
// csp. Unknown paths, including any with a further slash, answer 404;
// methods other than GET and HEAD answer 405 with Allow: GET, HEAD. The
// handler is safe for concurrent use. Handler reads every file once and
// panics if one cannot be read: for embedded files that is a broken build.
func Handler(files fs.FS, csp string) http.Handler {
	return &handler{files: load(files), csp: csp}
}

// Names returns the names of the regular files at the top level of files,
// sorted: the files Handler serves at "/NAME". It panics if files cannot be
// listed, as Handler does.
func Names(files fs.FS) []string {
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		panic("webassets: files unreadable: " + err.Error())
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if e.Type().IsRegular() {
			names = append(names, e.Name())
		}
	}
	return names
}

// load reads every file named by Names once.
func load(files fs.FS) map[string]asset {
	assets := make(map[string]asset)
	for _, name := range Names(files) {
		body, err := fs.ReadFile(files, name)
		if err != nil {
			panic("webassets: file unreadable: " + err.Error())
		}
		sum := sha256.Sum256(body)
		assets[name] = asset{
			body:        body,
			contentType: contentType(path.Ext(name)),
			etag:        `"` + hex.EncodeToString(sum[:16]) + `"`,
		}
	}
	return assets
}

// ServeHTTP answers one request for an asset.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a, ok := h.files[assetName(r.URL.Path)]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", a.contentType)
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("ETag", a.etag)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Content-Security-Policy", h.csp)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
}

// contentType is the type an asset with extension ext is served with,
// independent of the machine's MIME tables.
func contentType(ext string) string {
	switch ext {
	case ".html":
		return "text/html; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	}
	return "application/octet-stream"
}

// assetName maps a request path to an asset name: the page for "/" (or the
// empty path left by http.StripPrefix), the file itself for "/NAME". A path
// with further slashes names no asset.
func assetName(p string) string {
	name := strings.TrimPrefix(p, "/")
	if name == "" {
		return "index.html"
	}
	if strings.Contains(name, "/") {
		return ""
	}
	return name
}
