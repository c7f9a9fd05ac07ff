package balancer

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/treekv/kv/node"
)

// batchBody is a batch of one PUT, as the data API takes it.
var batchBody = []byte(`{"ops":[{"method":"PUT","path":"/v1/kv/a","body":"dg=="}]}`)

// A batch is forwarded like the rest of the data API, its answer returned
// as the node gave it, and without an Idempotency-Key of the balancer's:
// its requests carry their own.
func TestBatchForwarded(t *testing.T) {
	n := newFakeNode(t, "n1")
	n.setHandle(func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, http.MethodPost, r.Method)
		assert.Equal(t, "/v1/batch", r.URL.Path)
		node.WriteJSON(w, http.StatusOK, node.BatchResponse{Results: []node.BatchResult{{Status: 200, Body: []byte("{}")}}})
	})
	tb := startBalancer(t, Config{Backends: hosts(n), CheckInterval: -1})
	ans := tb.do(http.MethodPost, "/v1/batch", batchBody, http.Header{"Content-Type": {"application/json"}})
	require.Equal(t, http.StatusOK, ans.status, "%s", ans.body)
	assert.JSONEq(t, `{"results":[{"status":200,"body":"e30="}]}`, string(ans.body))
	assert.Equal(t, []string{""}, idempotencyKeys(n), "no key added to a batch")
}

// A batch a backend refused goes to another; one that may have been
// served in part is never sent again (its writes without a key could apply
// twice): the client learns the outcome is unknown.
func TestBatchRetriedOnlyWhenCertainlyNotServed(t *testing.T) {
	for _, tt := range []struct {
		name   string
		first  func(http.ResponseWriter, *http.Request)
		status int
	}{
		{"refused as unavailable", answerError(node.CodeUnavailable), http.StatusOK},
		{"connection dropped after sending", dropConnection, http.StatusServiceUnavailable},
		{"answered indeterminate", answerError(node.CodeIndeterminate), http.StatusServiceUnavailable},
	} {
		t.Run(tt.name, func(t *testing.T) {
			bad, good := newFakeNode(t, "bad"), newFakeNode(t, "good")
			bad.setHandle(tt.first)
			tb := startBalancer(t, Config{Backends: hosts(bad, good), CheckInterval: -1})
			for bad.hits() == 0 { // until a batch goes to bad first
				before := good.hits()
				ans := tb.do(http.MethodPost, "/v1/batch", batchBody, nil)
				if bad.hits() == 0 {
					require.Equal(t, http.StatusOK, ans.status, "%s", ans.body)
					continue
				}
				require.Equal(t, tt.status, ans.status, "%s", ans.body)
				if tt.status == http.StatusOK {
					require.Equal(t, before+1, good.hits(), "sent again to good")
					return
				}
				require.Equal(t, before, good.hits(), "not sent again")
				requireError(t, ans, http.StatusServiceUnavailable, node.CodeIndeterminate)
				assert.Contains(t, string(ans.body), "the batch may have been served in part")
				assert.Empty(t, ans.header.Get(node.HeaderIdempotencyKey), "no key to resend a batch with")
			}
		})
	}
}
