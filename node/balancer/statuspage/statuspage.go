// Package statuspage serves the load balancer's live status page: a static
// page (index.html, app.js, style.css) with no build step and nothing
// loaded from another site. The page polls GET /v1/status of its own
// origin every second and shows each backend's health, traffic, errors,
// latency, retries and failovers.
package statuspage

import (
	"embed"
	"net/http"

	"github.com/treekv/kv/node/webassets"
)

// assets holds the page; a go:embed variable must live at package level.
//
//go:embed index.html app.js style.css
var assets embed.FS

// contentSecurityPolicy lets the page load and call only its own origin.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

// Names returns the page's file names, sorted; the balancer routes
// "GET /NAME" for each (and "GET /" for index.html) to Handler.
func Names() []string { return webassets.Names(assets) }

// Handler returns the status page: index.html at "/" (and "/index.html"),
// app.js and style.css at their names, served as webassets.Handler describes
// (content type, strong ETag, Cache-Control: no-cache, nosniff) with a
// Content-Security-Policy that allows the page's own origin only. Unknown
// paths answer 404; methods other than GET and HEAD answer 405. It is safe
// for concurrent use.
func Handler() http.Handler {
	return webassets.Handler(assets, contentSecurityPolicy)
}
