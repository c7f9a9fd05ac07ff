package dashboard

import (
	"io/fs"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treekv/kv/node/webassets/webassetstest"
)

func TestHandlerServesAssetsWithTheirContentTypes(t *testing.T) {
	webassetstest.AssertServes(t, Handler(), contentSecurityPolicy, []webassetstest.File{
		{Path: "/", ContentType: "text/html; charset=utf-8", Contains: "<title>treekv controller</title>"},
		{Path: "/index.html", ContentType: "text/html; charset=utf-8", Contains: `<script type="module" src="app.js">`},
		{Path: "/app.js", ContentType: "text/javascript; charset=utf-8", Contains: "live.start()"},
		{Path: "/live.js", ContentType: "text/javascript; charset=utf-8", Contains: "new EventSource('/v1/events')"},
		{Path: "/style.css", ContentType: "text/css; charset=utf-8", Contains: ".role-leader"},
	})
}

func TestAssetsLoadNothingFromAnotherSite(t *testing.T) {
	entries, err := fs.ReadDir(assets, ".")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(entries), 3)
	for _, e := range entries {
		body, err := assets.ReadFile(e.Name())
		require.NoError(t, err)
		text := strings.ToLower(string(body))
		assert.NotContains(t, text, "http://", e.Name())
		assert.NotContains(t, text, "https://", e.Name())
		assert.NotContains(t, text, "@import", e.Name())
	}
}

func TestAssetsReferenceOnlyRelativeLocalAssetsThatExist(t *testing.T) {
	// The src and href attributes of HTML, the module specifiers of imports.
	references := regexp.MustCompile(`(?:src|href)="([^"]*)"|from '([^']*)'`)
	entries, err := fs.ReadDir(assets, ".")
	require.NoError(t, err)
	seen := 0
	for _, e := range entries {
		body, err := assets.ReadFile(e.Name())
		require.NoError(t, err)
		for _, m := range references.FindAllStringSubmatch(string(body), -1) {
			ref := m[1] + m[2]
			if strings.HasPrefix(ref, "data:") {
				continue // inline, loads nothing
			}
			seen++
			t.Run(e.Name()+"->"+ref, func(t *testing.T) {
				require.NotContains(t, ref, "//", "no scheme-relative or absolute URL")
				require.False(t, strings.HasPrefix(ref, "/"), "relative, so the page works under a prefix")
				name := strings.TrimPrefix(ref, "./")
				assert.Equal(t, http.StatusOK, webassetstest.Get(Handler(), "/"+name).Code)
			})
		}
	}
	require.Greater(t, seen, 10, "index.html and the modules reference each other")
}
