package clientui

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAPISetGetDelete(t *testing.T) {
	base := startUI(t, startCluster(t, 1, "").Endpoints())

	set := put(t, base, "dir/greeting", "hello")
	require.Equal(t, http.StatusOK, set.Status, set.Body)
	rev := set.Body["revision"].(float64)
	assert.Positive(t, rev)

	got := get(t, base, "dir/greeting")
	require.Equal(t, http.StatusOK, got.Status, got.Body)
	assert.Equal(t, "hello", got.Body["text"])
	assert.Equal(t, "aGVsbG8=", got.Body["value"], "the value in base64")
	assert.Equal(t, true, got.Body["is_text"])
	assert.Equal(t, rev, got.Body["revision"])
	info := got.Body["call"].(map[string]any)
	assert.Equal(t, float64(1), info["attempts"])
	assert.Equal(t, float64(0), info["retries"])
	assert.Equal(t, "n1", info["node"], "the node that served the read")

	del := send(t, http.MethodDelete, base+"/api/kv/dir%2Fgreeting", nil, uiHeaders())
	require.Equal(t, http.StatusOK, del.Status, del.Body)
	assert.Equal(t, true, del.Body["deleted"])

	gone := get(t, base, "dir/greeting")
	assert.Equal(t, http.StatusNotFound, gone.Status)
	assert.Equal(t, "not_found", gone.errorCode())
}

func TestAPIBinaryValueIsNotText(t *testing.T) {
	c := startCluster(t, 1, "")
	base := startUI(t, c.Endpoints())
	client, err := c.NewClient()
	require.NoError(t, err)
	t.Cleanup(client.Close)
	_, err = client.Put(t.Context(), "bin", []byte{0xff, 0x00, 0xfe})
	require.NoError(t, err)

	got := get(t, base, "bin")
	require.Equal(t, http.StatusOK, got.Status, got.Body)
	assert.Equal(t, false, got.Body["is_text"])
	assert.Equal(t, "/wD+", got.Body["value"])
	assert.NotContains(t, got.Body, "text")
}

func TestAPICompareAndSwap(t *testing.T) {
	base := startUI(t, startCluster(t, 1, "").Endpoints())
	rev := put(t, base, "counter", "1").Body["revision"].(float64)
	cas := func(ifRevision float64, value string) answer {
		return send(t, http.MethodPut, base+"/api/kv/counter",
			map[string]any{"value": value, "if_revision": ifRevision}, uiHeaders())
	}

	stale := cas(rev-1, "stale")
	assert.Equal(t, http.StatusConflict, stale.Status)
	assert.Equal(t, "conflict", stale.errorCode())
	assert.Equal(t, rev, stale.Body["revision"], "the key's current revision")

	swapped := cas(rev, "2")
	require.Equal(t, http.StatusOK, swapped.Status, swapped.Body)
	assert.Greater(t, swapped.Body["revision"].(float64), rev)
	assert.Equal(t, "2", get(t, base, "counter").Body["text"])

	absentOnly := cas(0, "3")
	assert.Equal(t, http.StatusConflict, absentOnly.Status, "if_revision 0 applies only to an absent key")
}

func TestAPIScanPagesByPrefix(t *testing.T) {
	base := startUI(t, startCluster(t, 1, "").Endpoints())
	for _, k := range []string{"fruit/apple", "fruit/banana", "fruit/cherry", "veg/leek"} {
		require.Equal(t, http.StatusOK, put(t, base, k, "v:"+k).Status)
	}

	var keys []string
	cursor := ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 5, "the scan ends")
		page := send(t, http.MethodGet, base+"/api/scan?prefix=fruit%2F&limit=2&cursor="+escape(cursor), nil, nil)
		require.Equal(t, http.StatusOK, page.Status, page.Body)
		for _, it := range page.Body["items"].([]any) {
			item := it.(map[string]any)
			keys = append(keys, item["key"].(string))
			assert.Equal(t, "v:"+item["key"].(string), item["preview"])
		}
		if cursor = page.Body["next"].(string); cursor == "" {
			break
		}
	}
	assert.Equal(t, []string{"fruit/apple", "fruit/banana", "fruit/cherry"}, keys)
}

func TestAPIRefusesBadInput(t *testing.T) {
	base := startUI(t, startCluster(t, 1, "").Endpoints())
	tests := []struct {
		name, method, path string
		body               any
		status             int
		code               string
	}{
		{"a scan limit of 0", http.MethodGet, "/api/scan?limit=0", nil, http.StatusBadRequest, "bad_request"},
		{"a scan limit that is not a number", http.MethodGet, "/api/scan?limit=x", nil, http.StatusBadRequest, "bad_request"},
		{"a put without a value", http.MethodPut, "/api/kv/k", map[string]any{}, http.StatusBadRequest, "bad_request"},
		{"a put with an unknown field", http.MethodPut, "/api/kv/k", map[string]any{"value": "v", "ttl": 3}, http.StatusBadRequest, "bad_request"},
		{"a put of a string body", http.MethodPut, "/api/kv/k", "v", http.StatusBadRequest, "bad_request"},
		{"a delete with a bad if_revision", http.MethodDelete, "/api/kv/k?if_revision=-1", nil, http.StatusBadRequest, "bad_request"},
		{"an empty key", http.MethodGet, "/api/kv/", nil, http.StatusBadRequest, "bad_request"},
		{"an unknown endpoint", http.MethodGet, "/api/nope", nil, http.StatusNotFound, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := send(t, tt.method, base+tt.path, tt.body, uiHeaders())
			assert.Equal(t, tt.status, a.Status, a.Body)
			assert.Equal(t, tt.code, a.errorCode())
		})
	}
}
