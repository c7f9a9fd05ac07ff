package ui

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treekv/kv/node/webassets/webassetstest"
)

func TestHandlerServesAssetsWithTheirContentTypes(t *testing.T) {
	webassetstest.AssertServes(t, Handler(), ContentSecurityPolicy, []webassetstest.File{
		{Path: "/", ContentType: "text/html; charset=utf-8", Contains: "<title>treekv client</title>"},
		{Path: "/index.html", ContentType: "text/html; charset=utf-8", Contains: `<script type="module" src="app.js">`},
		{Path: "/app.js", ContentType: "text/javascript; charset=utf-8", Contains: "health.start()"},
		{Path: "/api.js", ContentType: "text/javascript; charset=utf-8", Contains: "'X-Requested-With': 'treekv-ui'"},
		{Path: "/style.css", ContentType: "text/css; charset=utf-8", Contains: "@media"},
	})
}

func TestAssetsLoadNothingFromOtherSites(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			body, err := assets.ReadFile(name)
			require.NoError(t, err)
			text := strings.ToLower(string(body))
			assert.NotContains(t, text, "http://")
			assert.NotContains(t, text, "https://")
			assert.NotContains(t, text, "innerhtml", "values are rendered as text, never as HTML")
			assert.NotContains(t, text, "eval(")
		})
	}
}

func TestPageHasNoInlineScriptOrStyle(t *testing.T) {
	page, err := assets.ReadFile("index.html")
	require.NoError(t, err)
	html := string(page)
	assert.Equal(t, strings.Count(html, "<script"), strings.Count(html, `<script type="module" src=`))
	assert.NotContains(t, html, "<style")
	assert.NotContains(t, html, " style=")
	assert.NotRegexp(t, `(?i)\son[a-z]+\s*=`, html, "no inline event handlers")
}
