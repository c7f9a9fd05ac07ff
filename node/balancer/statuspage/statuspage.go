// Package statuspage serves the load balancer's live status page: a static
// page (index.html, app.js, style.css) with no build step and nothing
// loaded from another site. The page polls GET /v1/status of its own
// origin every second and shows each backend's health, traffic, errors,
// latency, retries and failovers.
package statuspage

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

// assets holds the page; a go:embed variable must live at package level.
//
//go:embed index.html app.js style.css
var assets embed.FS

// Names returns the page's file names; the balancer routes "GET /NAME" for
// each (and "GET /" for index.html) to Handler.
func Names() []string { return []string{"index.html", "app.js", "style.css"} }

// contentSecurityPolicy lets the page load and call only its own origin.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

// asset is one file of the page, ready to serve.
type asset struct {
	body        []byte
	contentType string
	etag        string
}

type handler struct {
	files map[string]asset
}

// Handler returns the status page: index.html at "/" (and "/index.html"),
// app.js and style.css at their names. Each answer carries its content
// type, a strong ETag, Cache-Control: no-cache, nosniff and a
// Content-Security-Policy that allows the page's own origin only. Unknown
// paths answer 404; methods other than GET and HEAD answer 405. It is safe
// for concurrent use.
func Handler() http.Handler {
	return &handler{files: loadAssets()}
}

// loadAssets reads every embedded file once; the files are compiled in, so
// failing to read one is a broken build.
func loadAssets() map[string]asset {
	entries, err := fs.ReadDir(assets, ".")
	if err != nil {
		panic("statuspage: embedded assets unreadable: " + err.Error())
	}
	files := make(map[string]asset, len(entries))
	for _, e := range entries {
		body, err := assets.ReadFile(e.Name())
		if err != nil {
			panic("statuspage: embedded asset unreadable: " + err.Error())
		}
		sum := sha256.Sum256(body)
		files[e.Name()] = asset{body: body, contentType: contentType(path.Ext(e.Name())),
			etag: `"` + hex.EncodeToString(sum[:16]) + `"`}
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

// assetName maps a request path to an asset name: the page for "/", the
// file itself for "/NAME"; a path with further slashes names none.
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
