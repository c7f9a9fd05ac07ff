// Package ui holds the client web UI's page: index.html, style.css and a
// few JavaScript modules, embedded, with no build step and nothing loaded
// from another site. The page calls the JSON endpoints of its own origin
// (/api/...), which package clientui serves next to Handler.
package ui

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

// assets holds the page. A go:embed variable must live at package level; it
// is read-only.
//
//go:embed index.html style.css *.js
var assets embed.FS

// ContentSecurityPolicy lets the page load and call only its own origin: no
// inline script, no plugin, no framing.
const ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; object-src 'none'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// asset is one file of the page, ready to serve.
type asset struct {
	body        []byte
	contentType string
	etag        string
}

// handler serves the assets by name.
type handler struct {
	files map[string]asset
}

// Handler returns the page: index.html at "/" (and "/index.html"), every
// other asset at "/NAME", each with its content type, a strong ETag of its
// content, Cache-Control: no-cache, X-Content-Type-Options: nosniff and
// ContentSecurityPolicy. Unknown paths answer 404; methods other than GET
// and HEAD answer 405. The handler is safe for concurrent use.
func Handler() http.Handler {
	return &handler{files: loadAssets()}
}

// Names returns the names of the embedded assets, for tests that inspect
// them all.
func Names() []string {
	entries, err := fs.ReadDir(assets, ".")
	if err != nil {
		panic("ui: embedded assets unreadable: " + err.Error())
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names
}

// loadAssets reads every embedded file once.
func loadAssets() map[string]asset {
	files := make(map[string]asset)
	for _, name := range Names() {
		body, err := assets.ReadFile(name)
		if err != nil {
			panic("ui: embedded asset unreadable: " + err.Error())
		}
		sum := sha256.Sum256(body)
		files[name] = asset{
			body:        body,
			contentType: contentType(path.Ext(name)),
			etag:        `"` + hex.EncodeToString(sum[:16]) + `"`,
		}
	}
	return files
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
	hdr.Set("Content-Security-Policy", ContentSecurityPolicy)
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

// assetName maps a request path to an asset name: the page for "/", the
// file itself for "/NAME". A path with further slashes names no asset.
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
