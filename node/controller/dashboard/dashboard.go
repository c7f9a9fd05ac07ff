// Package dashboard serves the controller's live cluster dashboard: a static
// page (index.html, style.css and a few JavaScript modules) with no build
// step and nothing loaded from another site. The page reads the controller
// API of its own origin (GET /v1/cluster, GET /v1/events) and posts the
// operator's actions there; the controller mounts Handler at "/".
package dashboard

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

// contentSecurityPolicy lets the page load and call only its own origin.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

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

// Handler returns the dashboard: index.html at "/" (and "/index.html"),
// every other asset at "/NAME". Each answer carries its content type, a
// strong ETag of its content and Cache-Control: no-cache, so a browser
// revalidates (cheaply, with If-None-Match) and never runs a stale page
// after the controller is upgraded. Unknown paths answer 404; methods other
// than GET and HEAD answer 405. The handler is safe for concurrent use.
func Handler() http.Handler {
	return &handler{files: loadAssets()}
}

// loadAssets reads every embedded file once.
func loadAssets() map[string]asset {
	entries, err := fs.ReadDir(assets, ".")
	if err != nil {
		panic("dashboard: embedded assets unreadable: " + err.Error())
	}
	files := make(map[string]asset, len(entries))
	for _, e := range entries {
		body, err := assets.ReadFile(e.Name())
		if err != nil {
			panic("dashboard: embedded asset unreadable: " + err.Error())
		}
		sum := sha256.Sum256(body)
		files[e.Name()] = asset{
			body:        body,
			contentType: contentType(path.Ext(e.Name())),
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
	hdr.Set("Content-Security-Policy", contentSecurityPolicy)
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
