package statuspage

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/treekv/kv/node/webassets/webassetstest"
)

func TestHandlerServesAssetsWithTheirContentTypes(t *testing.T) {
	webassetstest.AssertServes(t, Handler(), contentSecurityPolicy, []webassetstest.File{
		{Path: "/", ContentType: "text/html; charset=utf-8", Contains: "<title>treekv load balancer</title>"},
		{Path: "/index.html", ContentType: "text/html; charset=utf-8", Contains: `<script type="module" src="app.js">`},
		{Path: "/app.js", ContentType: "text/javascript; charset=utf-8", Contains: "fetch('/v1/status'"},
		{Path: "/style.css", ContentType: "text/css; charset=utf-8", Contains: ".badge"},
	})
}

func TestNamesAreTheServedPage(t *testing.T) {
	assert.ElementsMatch(t, []string{"index.html", "app.js", "style.css"}, Names())
	for _, name := range Names() {
		assert.Equal(t, http.StatusOK, webassetstest.Get(Handler(), "/"+name).Code, name)
	}
}

// The page loads nothing from other sites and never writes HTML from data.
func TestPageIsSelfContained(t *testing.T) {
	remote := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:)?//`)
	for _, name := range Names() {
		body := webassetstest.Get(Handler(), "/"+name).Body.String()
		assert.False(t, remote.MatchString(body), "%s loads from another site", name)
		assert.NotContains(t, body, "innerHTML", name)
		assert.NotContains(t, body, "insertAdjacentHTML", name)
	}
}
