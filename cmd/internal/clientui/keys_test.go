package clientui

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAPIKeysWithAnyCharacters sets and reads keys that a URL path
// distorts unless they are escaped; "." and ".." go in the query, as the
// page sends them.
func TestAPIKeysWithAnyCharacters(t *testing.T) {
	base := startUI(t, startCluster(t, 1, "").Endpoints())
	for _, key := range []string{"a/b", "/lead", "trail/", "a//b", "a/../b", "..", ".", "sp ace", "pct%41", "q?x#y", "ünï"} {
		t.Run(key, func(t *testing.T) {
			path := base + "/api/kv/" + escape(key)
			if key == "." || key == ".." {
				path = base + "/api/kv?key=" + url.QueryEscape(key)
			}
			require.Equal(t, http.StatusOK, send(t, http.MethodPut, path, map[string]any{"value": "v:" + key}, uiHeaders()).Status)
			got := send(t, http.MethodGet, path, nil, nil)
			require.Equal(t, http.StatusOK, got.Status, got.Body)
			assert.Equal(t, key, got.Body["key"])
			assert.Equal(t, "v:"+key, got.Body["text"])
		})
	}
}
