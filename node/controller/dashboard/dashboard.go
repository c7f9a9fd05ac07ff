// Package dashboard serves the controller's live cluster dashboard: a static
// page (index.html, style.css and a few JavaScript modules) with no build
// step and nothing loaded from another site. The page reads the controller
// API of its own origin (GET /v1/cluster, GET /v1/events) and posts the
// operator's actions there; the controller mounts Handler at "/".
package dashboard

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

// contentSecurityPolicy lets the page load and call only its own origin.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

// Handler returns the dashboard: index.html at "/" (and "/index.html"),
// every other asset at "/NAME", served as webassets.Handler describes (content
// type, strong ETag, Cache-Control: no-cache, nosniff) with a
// Content-Security-Policy that allows the page's own origin only. Unknown
// paths answer 404; methods other than GET and HEAD answer 405. The handler
// is safe for concurrent use.
func Handler() http.Handler {
	return webassets.Handler(assets, contentSecurityPolicy)
}
