// Package ui holds the client web UI's page: index.html, style.css and a
// few JavaScript modules, embedded, with no build step and nothing loaded
// from another site. The page calls the JSON endpoints of its own origin
// (/api/...), which package clientui serves next to Handler.
package ui

import (
	"embed"
	"net/http"

	"github.com/treekv/kv/node/webassets"
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

// Handler returns the page: index.html at "/" (and "/index.html"), every
// other asset at "/NAME", served as webassets.Handler describes (content
// type, strong ETag, Cache-Control: no-cache, X-Content-Type-Options:
// nosniff) with ContentSecurityPolicy. Unknown paths answer 404; methods
// other than GET and HEAD answer 405. The handler is safe for concurrent
// use.
func Handler() http.Handler {
	return webassets.Handler(assets, ContentSecurityPolicy)
}

// Names returns the names of the embedded assets, sorted, for tests that
// inspect them all.
func Names() []string { return webassets.Names(assets) }
